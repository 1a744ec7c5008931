import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { countUsers, createUserWithMembership } from "@/lib/db/queries/accounts";
import { LOCAL_WORKSPACE_ID } from "@/lib/db/schema";
import { hashSecret } from "./password";

const adminSchema = z.object({ email: z.string().trim().toLowerCase().email().max(254), password: z.string().min(8).max(512) });

/**
 * The owner from TRELLIS_ADMIN_EMAIL / TRELLIS_ADMIN_PASSWORD, created when the database is
 * opened and nobody exists yet (a later start never changes an existing account). Production
 * start refuses a weak or sample password before this runs (lib/security/boot-checks.ts).
 * @example await bootstrapOwnerFromEnv(db, process.env);
 */
export async function bootstrapOwnerFromEnv(db: Db, vars: Record<string, string | undefined> = process.env): Promise<void> {
  const email = vars.TRELLIS_ADMIN_EMAIL?.trim();
  const password = vars.TRELLIS_ADMIN_PASSWORD;
  if (!email || !password) return;
  if ((await countUsers(db)) > 0) return;
  const input = adminSchema.parse({ email, password });
  await createUserWithMembership(db, {
    email: input.email,
    name: input.email.split("@")[0],
    passwordHash: await hashSecret(input.password),
    workspaceId: LOCAL_WORKSPACE_ID,
    role: "owner",
    onlyIfNoUsers: true,
  });
}
