/**
 * The accounts API's shapes as the browser sees them (the JSON of /api/v1/auth/**, /me, /members,
 * /invites and /api-keys). Dates arrive as ISO strings.
 */
export const roles = ["owner", "editor", "viewer"] as const;
export type Role = (typeof roles)[number];

/** Roles an API key can carry: a key never owns the workspace. */
export const keyRoles = ["editor", "viewer"] as const satisfies readonly Role[];

export interface AccountUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: "en" | "zh" | null;
}

export interface Me {
  user: AccountUser;
  workspace: { id: string; name: string };
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface Invite {
  id: string;
  email: string | null;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The invitation as its link shows it, before anyone has an account. */
export interface InvitePreview {
  email: string | null;
  role: Role;
  workspaceName: string;
}

/** Passwords are at least this long; the server checks the same. */
export const MIN_PASSWORD = 8;
