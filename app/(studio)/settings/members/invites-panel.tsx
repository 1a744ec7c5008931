"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { roles, type Invite, type Role } from "@/lib/client/accounts";
import { callApi } from "@/lib/client/api";
import { CopyButton } from "../copy-button";

/**
 * The owner's invitations: create one (optionally for one email) and get its link once, list the
 * pending ones and revoke them. The server keeps only a hash of the token, so a lost link means
 * revoking and inviting again.
 */
export function InvitesPanel() {
  const t = useTranslations("members");
  const ta = useTranslations("auth");
  const format = useFormatter();
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const [created, setCreated] = useState<{ link: string; invite: Invite } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const linkRef = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    const res = await callApi<{ invites: Invite[] }>("/api/v1/invites");
    if (res.data) setInvites(res.data.invites);
    else setError(res.error);
  }, []);
  useEffect(() => {
    load();
  }, [load]);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    const res = await callApi<{ invite: Invite; url: string }>("/api/v1/invites", { json: { role, ...(email.trim() ? { email: email.trim() } : {}) } });
    setBusy(false);
    if (!res.data) return setError(res.error);
    setCreated({ link: new URL(res.data.url, window.location.origin).href, invite: res.data.invite });
    setEmail("");
    await load();
  }

  async function revoke(invite: Invite) {
    if (!window.confirm(t("confirmRevoke", { who: invite.email ?? t("anyone") }))) return;
    setError(null);
    const res = await callApi(`/api/v1/invites/${invite.id}`, { method: "DELETE" });
    if (!res.ok) setError(res.error);
    if (created?.invite.id === invite.id) setCreated(null);
    await load();
  }

  const date = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" });
  return (
    <div className="kb-panel">
      <h2>{t("invitesTitle")}</h2>
      <p className="muted small">{t("invitesIntro")}</p>
      <form className="accounts-create" onSubmit={create} noValidate data-testid="invite-create">
        <label>
          <span>{t("inviteEmail")}</span>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder={t("inviteEmailPlaceholder")} />
        </label>
        <label>
          <span>{t("role")}</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {ta(`roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy} data-testid="invite-submit">
          {busy ? t("inviting") : t("invite")}
        </button>
      </form>
      <p className="muted small">{ta(`roleHelp.${role}`)}</p>
      {created ? (
        <div className="secret-box" data-testid="invite-link">
          <p>
            <strong>{t("linkReady")}</strong> {t("linkOnce", { who: created.invite.email ?? t("anyone"), expires: date(created.invite.expiresAt) })}
          </p>
          <div className="inline">
            <input ref={linkRef} readOnly value={created.link} aria-label={t("link")} onFocus={(e) => e.target.select()} data-testid="invite-link-url" />
            <CopyButton text={created.link} target={linkRef} testId="invite-link-copy" />
            <button type="button" className="ghost" onClick={() => setCreated(null)}>
              {t("done")}
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <p className="error" role="alert" data-testid="invites-error">
          {error}
        </p>
      ) : null}
      <h3>{t("pending")}</h3>
      {invites && invites.length === 0 ? <p className="muted small">{t("noPending")}</p> : null}
      {invites && invites.length > 0 ? (
        <table className="kb-table accounts-table" data-testid="invites-table">
          <thead>
            <tr>
              <th>{t("email")}</th>
              <th>{t("role")}</th>
              <th>{t("created")}</th>
              <th>{t("expires")}</th>
              <th className="kb-actions">{t("actions")}</th>
            </tr>
          </thead>
          <tbody>
            {invites.map((invite) => (
              <tr key={invite.id} data-testid="invite-row">
                <td>{invite.email ?? <span className="muted">{t("anyone")}</span>}</td>
                <td>
                  <span className="tag">{ta(`roles.${invite.role}`)}</span>
                </td>
                <td className="muted small">{date(invite.createdAt)}</td>
                <td className="muted small">{date(invite.expiresAt)}</td>
                <td className="kb-actions">
                  <button type="button" className="ghost danger" onClick={() => revoke(invite)} data-testid="invite-revoke">
                    {t("revoke")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
