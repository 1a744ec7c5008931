"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { callApi } from "@/lib/client/api";

/** Email and password → POST /api/v1/auth/login; the server sets the session cookie. */
export function LoginForm({ next }: { next: string }) {
  const t = useTranslations("auth");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!email.trim() || !password) return setError(t("missingCredentials"));
    setBusy(true);
    setError(null);
    const res = await callApi("/api/v1/auth/login", { json: { email: email.trim(), password } });
    if (!res.ok) {
      setBusy(false);
      return setError(res.error);
    }
    // A full load, so every server component (and the language of the account) starts fresh.
    window.location.assign(next);
  }

  return (
    <form className="auth-form" onSubmit={submit} noValidate data-testid="login-form">
      <label>
        <span>{t("email")}</span>
        <input type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
      </label>
      <label>
        <span>{t("password")}</span>
        <input type="password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error ? (
        <p className="error small" role="alert" data-testid="auth-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={busy} data-testid="login-submit">
        {busy ? t("signingIn") : t("signIn")}
      </button>
    </form>
  );
}
