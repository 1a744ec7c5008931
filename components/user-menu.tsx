"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import type { Role } from "@/lib/client/accounts";

/**
 * The signed-in person in the top bar: their name opens a small menu with email, role, the
 * account settings and "Log out" (POST /api/v1/auth/logout, then the sign-in page).
 */
export function UserMenu({ name, email, role }: { name: string; email: string; role: Role }) {
  const t = useTranslations("auth");
  const [open, setOpen] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      if (box.current && !box.current.contains(event.target as Node)) setOpen(false);
    };
    const escape = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    document.addEventListener("keydown", escape);
    return () => {
      document.removeEventListener("pointerdown", outside);
      document.removeEventListener("keydown", escape);
    };
  }, [open]);

  async function logout() {
    setLeaving(true);
    // Even when the session is already gone (401), the way out is the sign-in page.
    await fetch("/api/v1/auth/logout", { method: "POST" }).catch(() => null);
    location.href = "/login";
  }

  return (
    <div className="user-menu" ref={box}>
      <button type="button" className="user-menu-button" aria-expanded={open} aria-controls={menuId} onClick={() => setOpen((o) => !o)} title={t("accountOf", { name })} data-testid="user-menu">
        <span className="avatar" aria-hidden>
          {(name.trim()[0] ?? "?").toUpperCase()}
        </span>
        <span className="user-menu-name">{name}</span>
        <span className="tag">{t(`roles.${role}`)}</span>
      </button>
      <div id={menuId} className="user-menu-panel" hidden={!open}>
        <p className="small">
          <strong>{name}</strong>
          <br />
          <span className="muted">{email}</span>
        </p>
        <p className="small muted">{t("signedInAs", { role: t(`roles.${role}`) })}</p>
        <Link href="/settings/members" onClick={() => setOpen(false)}>
          {t("settingsNav.members")}
        </Link>
        {role === "owner" ? (
          <Link href="/settings/api-keys" onClick={() => setOpen(false)}>
            {t("settingsNav.apiKeys")}
          </Link>
        ) : null}
        <button type="button" onClick={logout} disabled={leaving} data-testid="logout">
          {leaving ? t("loggingOut") : t("logout")}
        </button>
      </div>
    </div>
  );
}
