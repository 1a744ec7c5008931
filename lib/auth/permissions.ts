import type { Role } from "@/lib/db/schema-accounts";

/**
 * What each role may do. Every route declares the permission it needs (lib/server/request.ts
 * `route(…, { allow })`; by default reads need "read" and writes need "edit").
 * - read: see flows, knowledge bases, runs, providers (never their secrets), members.
 * - run: chat with a flow in the test panel, run one node, test retrieval.
 * - edit: create, change and delete flows, knowledge bases, documents and chunks.
 * - admin: providers, members, invitations and API keys.
 */
export const permissions = ["read", "run", "edit", "admin"] as const;
export type Permission = (typeof permissions)[number];

const grants: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(permissions),
  editor: new Set<Permission>(["read", "run", "edit"]),
  viewer: new Set<Permission>(["read", "run"]),
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return grants[role]?.has(permission) ?? false;
}
