"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { useCan, ViewOnlyNote } from "@/components/role-context";
import type { VersionKind } from "@/lib/flow/version-notes";
import { CompareResult, type Comparison } from "./compare-result";

export interface VersionRow {
  version: number;
  noteKind: VersionKind;
  noteText: string;
  author: string | null;
  createdAt: string;
}

type Ref = "current" | `${number}`;

async function call<T>(url: string, init?: { method: string; body?: unknown }): Promise<T> {
  const res = await fetch(url, {
    method: init?.method ?? "GET",
    headers: init?.body === undefined ? undefined : { "Content-Type": "application/json" },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.error?.message ?? String(res.status));
  return body as T;
}

/** The version history: save a version, pick two states (or the current one) to compare, restore one. Viewers compare only. */
export function VersionsView({ flowId, initialVersions }: { flowId: string; initialVersions: VersionRow[] }) {
  const t = useTranslations("versions");
  const tr = useTranslations("roles");
  const canEdit = useCan("edit");
  const format = useFormatter();
  const [versions, setVersions] = useState(initialVersions);
  const [note, setNote] = useState("");
  const [from, setFrom] = useState<Ref>(initialVersions[0] ? `${initialVersions[0].version}` : "current");
  const [to, setTo] = useState<Ref>("current");
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const base = `/api/v1/flows/${flowId}/versions`;

  async function run(what: string, action: () => Promise<void>) {
    setBusy(what);
    setMessage(null);
    try {
      await action();
    } catch (error) {
      setMessage({ ok: false, text: t("error", { message: error instanceof Error ? error.message : String(error) }) });
    } finally {
      setBusy(null);
    }
  }

  const reload = async () => setVersions((await call<{ versions: VersionRow[] }>(base)).versions);

  const save = () =>
    run("save", async () => {
      const { version } = await call<{ version: VersionRow }>(base, { method: "POST", body: { note } });
      setNote("");
      await reload();
      setMessage({ ok: true, text: t("saved", { version: version.version }) });
    });

  const compare = () =>
    run("compare", async () => {
      setComparison(await call<Comparison>(`${base}/compare?from=${from}&to=${to}`));
    });

  const restore = (version: number) => {
    if (!window.confirm(t("confirmRestore", { n: version }))) return;
    void run(`restore-${version}`, async () => {
      const result = await call<{ snapshot: VersionRow }>(`${base}/${version}/restore`, { method: "POST" });
      await reload();
      setComparison(null);
      setMessage({ ok: true, text: t("restored", { n: version, snapshot: result.snapshot.version }) });
    });
  };

  const refName = (ref: Ref) => (ref === "current" ? t("current") : t("versionLabel", { n: ref }));
  const rows: Array<{ ref: Ref; row?: VersionRow }> = [{ ref: "current" }, ...versions.map((row) => ({ ref: `${row.version}` as Ref, row }))];

  return (
    <div className="versions">
      {canEdit ? (
        <form className="inline-form" onSubmit={(e) => (e.preventDefault(), void save())}>
          <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} placeholder={t("notePlaceholder")} aria-label={t("notePlaceholder")} data-testid="version-note" />
          <button type="submit" className="primary" disabled={busy !== null} data-testid="save-version">
            {busy === "save" ? t("saving") : t("save")}
          </button>
        </form>
      ) : (
        <ViewOnlyNote />
      )}
      {message ? (
        <p className={message.ok ? "ok" : "error"} role="status" data-testid="versions-message">
          {message.text}
        </p>
      ) : null}

      <table className="version-table" data-testid="version-table">
        <thead>
          <tr>
            <th>{t("columns.version")}</th>
            <th>{t("columns.note")}</th>
            <th>{t("columns.author")}</th>
            <th>{t("columns.time")}</th>
            <th title={t("columns.fromHelp")}>{t("columns.from")}</th>
            <th title={t("columns.toHelp")}>{t("columns.to")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map(({ ref, row }) => (
            <tr key={ref} data-testid="version-row" data-version={ref} className={row ? row.noteKind : "current"}>
              <td>{row ? `v${row.version}` : <strong>{t("current")}</strong>}</td>
              <td>{row ? <span className={row.noteKind === "manual" ? "" : "muted"}>{row.noteText || "—"}</span> : <span className="muted">{t("currentHelp")}</span>}</td>
              <td>{row ? (row.author === "local" || !row.author ? t("authorLocal") : row.author) : ""}</td>
              <td>{row ? <time dateTime={row.createdAt}>{format.dateTime(new Date(row.createdAt), { dateStyle: "medium", timeStyle: "short" })}</time> : ""}</td>
              <td>
                <input type="radio" name="from" checked={from === ref} onChange={() => setFrom(ref)} aria-label={`${t("columns.from")} ${refName(ref)}`} data-testid="pick-from" />
              </td>
              <td>
                <input type="radio" name="to" checked={to === ref} onChange={() => setTo(ref)} aria-label={`${t("columns.to")} ${refName(ref)}`} data-testid="pick-to" />
              </td>
              <td>
                {row && canEdit ? (
                  <button type="button" className="ghost small" disabled={busy !== null} onClick={() => restore(row.version)} data-testid="restore-version">
                    {busy === `restore-${row.version}` ? t("restoring") : t("restore")}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {versions.length === 0 ? <p className="muted small">{canEdit ? t("empty") : tr("versionsEmpty")}</p> : null}

      <div className="row">
        <button type="button" className="primary" onClick={() => void compare()} disabled={busy !== null || from === to} data-testid="compare">
          {busy === "compare" ? t("comparing") : t("compare", { from: refName(from), to: refName(to) })}
        </button>
        {from === to ? <span className="muted small">{t("pickTwo")}</span> : null}
      </div>
      {comparison ? <CompareResult comparison={comparison} fromName={refName(comparison.from.ref as Ref)} toName={refName(comparison.to.ref as Ref)} /> : null}
    </div>
  );
}
