"use client";

import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { useCan } from "@/components/role-context";
import { callApi } from "@/lib/client/api";
import { embedSnippet, type StudioBot, type StudioRelease } from "@/lib/client/bots";
import { CopyButton } from "../../../settings/copy-button";
import { BotKeys } from "./bot-keys";
import { BotSettingsForm } from "./bot-settings-form";

const noSubscribe = () => () => {};

/**
 * The publish page: publish with notes, the releases with rollback, the share link and embed
 * snippet, the bot's settings and its API keys. Before the first publish only the publish box shows.
 */
export function PublishView({ flowId }: { flowId: string }) {
  const t = useTranslations("publish");
  const format = useFormatter();
  const canEdit = useCan("edit");
  const origin = useSyncExternalStore(noSubscribe, () => window.location.origin, () => "");
  const [bot, setBot] = useState<StudioBot | null>(null);
  const [releases, setReleases] = useState<StudioRelease[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [notes, setNotes] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);

  const load = useCallback(async () => {
    const res = await callApi<{ bot: StudioBot; releases: StudioRelease[] }>(`/api/v1/flows/${flowId}/bot`);
    if (res.data) {
      setBot(res.data.bot);
      setReleases(res.data.releases);
    } else if (res.status !== 404) setMessage({ kind: "error", text: t("loadFailed", { message: res.error ?? "" }) });
    setLoaded(true);
  }, [flowId, t]);
  useEffect(() => {
    void load();
  }, [load]);

  async function publish() {
    setBusy(true);
    setMessage(null);
    const res = await callApi<{ release: StudioRelease }>(`/api/v1/flows/${flowId}/publish`, { json: { notes } });
    setBusy(false);
    if (res.data) {
      setNotes("");
      setMessage({ kind: "ok", text: t("published", { number: res.data.release.number }) });
      await load();
      return;
    }
    setMessage({ kind: "error", text: t("publishFailed", { message: res.error ?? "" }) });
  }

  async function activate(number: number) {
    if (!window.confirm(t("confirmActivate", { number }))) return;
    const res = await callApi<{ bot: StudioBot }>(`/api/v1/flows/${flowId}/bot/releases/${number}/activate`, { method: "POST" });
    if (res.data) setBot(res.data.bot);
    else setMessage({ kind: "error", text: res.error ?? "" });
  }

  const shareLink = bot ? `${origin}/c/${bot.slug}` : "";
  const date = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" });
  if (!loaded) return null;
  return (
    <div className="publish-view">
      <div className="kb-panel" data-testid="publish-box">
        {!bot ? <p data-testid="not-published">{t("notPublished")}</p> : null}
        {canEdit ? (
          <div className="row">
            <input value={notes} onChange={(e) => setNotes(e.target.value)} placeholder={t("notes")} aria-label={t("notes")} maxLength={500} data-testid="publish-notes" />
            <button type="button" className="primary" onClick={publish} disabled={busy} data-testid="publish">
              {busy ? t("publishing") : t("publish")}
            </button>
          </div>
        ) : (
          <p className="muted small">{t("viewerNote")}</p>
        )}
        {message ? (
          <p className={message.kind === "ok" ? "notice" : "error"} role={message.kind === "error" ? "alert" : "status"} data-testid="publish-message">
            {message.text}
          </p>
        ) : null}
      </div>
      {bot ? (
        <>
          <div className="kb-panel">
            <h2>{t("shareTitle")}</h2>
            <label className="field">
              <span>{t("shareLink")}</span>
              <span className="row">
                <input readOnly value={shareLink} data-testid="share-link" />
                <CopyButton text={shareLink} />
              </span>
            </label>
            <h3>{t("embedTitle")}</h3>
            <pre data-testid="embed-snippet">{embedSnippet(origin, bot.slug)}</pre>
            <CopyButton text={embedSnippet(origin, bot.slug)} />
            {!bot.settings.widgetEnabled || bot.settings.allowedOrigins.length === 0 ? (
              <p className="notice small" data-testid="embed-needs-origins">
                {t("embedNeedsOrigins")}
              </p>
            ) : null}
          </div>
          <div className="kb-panel">
            <h2>{t("releases")}</h2>
            <table className="kb-table" data-testid="releases">
              <tbody>
                {releases.map((r) => (
                  <tr key={r.id} data-testid={`release-${r.number}`}>
                    <td>{t("release", { number: r.number })}</td>
                    <td>{r.notes}</td>
                    <td className="muted small">
                      {date(r.createdAt)}
                      {r.createdBy ? ` · ${r.createdBy}` : ""}
                    </td>
                    <td>
                      {r.number === bot.activeRelease ? (
                        <strong>{t("active")}</strong>
                      ) : canEdit ? (
                        <button type="button" onClick={() => activate(r.number)} data-testid={`activate-${r.number}`}>
                          {r.number < (bot.activeRelease ?? 0) ? t("activate") : t("activateForward")}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <BotSettingsForm flowId={flowId} bot={bot} canEdit={canEdit} onSaved={setBot} />
          <BotKeys flowId={flowId} slug={bot.slug} releases={releases} canEdit={canEdit} />
        </>
      ) : null}
    </div>
  );
}
