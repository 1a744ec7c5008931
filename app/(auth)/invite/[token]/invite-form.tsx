"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { useTranslations } from "next-intl";
import { MIN_PASSWORD, type InvitePreview } from "@/lib/client/accounts";
import { callApi } from "@/lib/client/api";
import { PasswordFields, passwordProblem } from "../../password-fields";

type Loaded = { state: "loading" } | { state: "invalid" } | { state: "failed"; error: string } | { state: "ready"; invite: InvitePreview };

/**
 * Accepts an invitation: shows which workspace and role it grants, then creates the account
 * (POST …/accept signs the new member in). The email is asked only when the invite names none.
 */
export function InviteForm({ token }: { token: string }) {
  const t = useTranslations("auth");
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const url = `/api/v1/auth/invites/${encodeURIComponent(token)}`;

  useEffect(() => {
    let live = true;
    callApi<InvitePreview>(url).then((res) => {
      if (!live) return;
      if (res.data) setLoaded({ state: "ready", invite: res.data });
      else if (res.status === 404) setLoaded({ state: "invalid" });
      else setLoaded({ state: "failed", error: res.error ?? "" });
    });
    return () => {
      live = false;
    };
  }, [url]);

  if (loaded.state === "loading") return <p className="muted">{t("loadingInvite")}</p>;
  if (loaded.state === "invalid" || loaded.state === "failed") {
    return (
      <section data-testid="invite-invalid">
        <h1>{t("inviteTitle")}</h1>
        <p className="error" role="alert">
          {loaded.state === "invalid" ? t("inviteInvalid") : loaded.error}
        </p>
        <p className="muted small">{t("inviteInvalidHelp")}</p>
        <Link href="/login">{t("goToLogin")}</Link>
      </section>
    );
  }
  const { invite } = loaded;

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!name.trim() || (!invite.email && !email.trim())) return setError(t("missingFields"));
    const problem = passwordProblem(password, confirm);
    // A mismatch is already said under "Confirm password"; do not say it twice.
    if (problem) return setError(problem === "passwordMismatch" && confirm ? null : t(problem, { min: MIN_PASSWORD }));
    setBusy(true);
    setError(null);
    const res = await callApi(`${url}/accept`, { json: { name: name.trim(), password, ...(invite.email ? {} : { email: email.trim() }) } });
    if (!res.ok) {
      setBusy(false);
      return setError(res.error);
    }
    window.location.assign("/");
  }

  return (
    <section>
      <h1>{t("inviteTitle")}</h1>
      <p data-testid="invite-summary">
        {t.rich("inviteIntro", { workspace: invite.workspaceName, role: t(`roles.${invite.role}`), strong: (chunks) => <strong>{chunks}</strong> })}
      </p>
      <p className="muted small">{t(`roleHelp.${invite.role}`)}</p>
      <form className="auth-form" onSubmit={submit} noValidate data-testid="invite-form">
        <label>
          <span>{t("name")}</span>
          <input name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={120} autoFocus />
        </label>
        {invite.email ? (
          <label>
            <span>{t("email")}</span>
            <input type="email" name="email" autoComplete="username" value={invite.email} readOnly />
          </label>
        ) : (
          <label>
            <span>{t("email")}</span>
            <input type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
        )}
        <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} />
        {error ? (
          <p className="error small" role="alert" data-testid="auth-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy} data-testid="invite-submit">
          {busy ? t("creatingAccount") : t("acceptInvite")}
        </button>
      </form>
    </section>
  );
}
