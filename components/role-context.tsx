"use client";

import { createContext, useContext } from "react";
import { useTranslations } from "next-intl";
import { roleAllows, type Permission } from "@/lib/auth/permissions";
import type { Role } from "@/lib/client/accounts";

const RoleContext = createContext<Role | null>(null);

/**
 * The signed-in person's role for every studio page (set once by app/(studio)/layout.tsx from the
 * session), so client components can hide the controls the server would refuse with a 403.
 * This only shapes the page: the server checks the role again on every call.
 */
export function RoleProvider({ role, children }: { role: Role; children: React.ReactNode }) {
  return <RoleContext.Provider value={role}>{children}</RoleContext.Provider>;
}

/** The role from the nearest RoleProvider, or null outside the studio. */
export function useRole(): Role | null {
  return useContext(RoleContext);
}

/**
 * Whether the person may do something, by the same table the server uses (lib/auth/permissions.ts).
 * Outside a RoleProvider nothing is allowed: a missing provider hides controls rather than showing ones that fail.
 * @example
 * const canEdit = useCan("edit");
 * return canEdit ? <DeleteFlowButton id={id} name={name} /> : null;
 */
export function useCan(permission: Permission): boolean {
  const role = useRole();
  return role ? roleAllows(role, permission) : false;
}

/**
 * The muted note shown where edit controls would be for someone who may not edit (a viewer):
 * what they can still do, and whom to ask. Renders nothing for editors and owners.
 */
export function ViewOnlyNote({ className = "muted small" }: { className?: string }) {
  const t = useTranslations("roles");
  if (useCan("edit")) return null;
  return (
    <p className={`role-note ${className}`} data-testid="view-only-note">
      {t("viewOnly")}
    </p>
  );
}
