"use client";

import { useId } from "react";
import { useTranslations } from "next-intl";
import { MIN_PASSWORD } from "@/lib/client/accounts";

/**
 * What is wrong with a new password before it goes to the server, as an `auth` message key.
 * @example passwordProblem("short", "short") // "passwordTooShort"
 */
export function passwordProblem(password: string, confirm: string): "passwordTooShort" | "passwordMismatch" | null {
  if (password.length < MIN_PASSWORD) return "passwordTooShort";
  if (password !== confirm) return "passwordMismatch";
  return null;
}

/** "Password" and "Confirm password", with the length rule shown under the first. */
export function PasswordFields(props: { password: string; confirm: string; onPassword: (value: string) => void; onConfirm: (value: string) => void }) {
  const t = useTranslations("auth");
  const id = useId();
  const mismatch = props.confirm.length > 0 && props.confirm !== props.password;
  return (
    <>
      <div className="auth-field">
        <label htmlFor={`${id}-password`}>{t("password")}</label>
        <input id={`${id}-password`} type="password" name="new-password" autoComplete="new-password" value={props.password} onChange={(e) => props.onPassword(e.target.value)} aria-describedby={`${id}-rule`} />
        <small id={`${id}-rule`} className="muted">
          {t("passwordRule", { min: MIN_PASSWORD })}
        </small>
      </div>
      <div className="auth-field">
        <label htmlFor={`${id}-confirm`}>{t("confirmPassword")}</label>
        <input id={`${id}-confirm`} type="password" name="confirm-password" autoComplete="new-password" value={props.confirm} onChange={(e) => props.onConfirm(e.target.value)} aria-invalid={mismatch} />
        {mismatch ? (
          <small className="error" data-testid="password-mismatch">
            {t("passwordMismatch")}
          </small>
        ) : null}
      </div>
    </>
  );
}
