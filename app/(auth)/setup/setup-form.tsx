"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { MIN_PASSWORD } from "@/lib/client/accounts";
import { callApi } from "@/lib/client/api";
import { PasswordFields, passwordProblem } from "../password-fields";

/** Creates the owner account → POST /api/v1/auth/setup, then opens the studio signed in. */
export function SetupForm() {
  const t = useTranslations("auth");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!name.trim() || !email.trim()) return setError(t("missingFields"));
    const problem = passwordProblem(password, confirm);
    // A mismatch is already said under "Confirm password"; do not say it twice.
    if (problem) return setError(problem === "passwordMismatch" && confirm ? null : t(problem, { min: MIN_PASSWORD }));
    setBusy(true);
    setError(null);
    const res = await callApi("/api/v1/auth/setup", { json: { name: name.trim(), email: email.trim(), password } });
    if (!res.ok) {
      setBusy(false);
      return setError(res.error);
    }
    window.location.assign("/");
  }

  return (
    <form className="auth-form" onSubmit={submit} noValidate data-testid="setup-form">
      <label>
        <span>{t("name")}</span>
        <input name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={120} autoFocus />
      </label>
      <label>
        <span>{t("email")}</span>
        <input type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} />
      {error ? (
        <p className="error small" role="alert" data-testid="auth-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={busy} data-testid="setup-submit">
        {busy ? t("creatingAccount") : t("createOwner")}
      </button>
    </form>
  );
}
