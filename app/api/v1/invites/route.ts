import { getDb } from "@/lib/db";
import { listPendingInvites } from "@/lib/db/queries/invites";
import { inviteSchema, inviteToWorkspace } from "@/lib/server/accounts";
import { parseJson, route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, ctx) => Response.json({ invites: await listPendingInvites(await getDb(), ctx.workspaceId) }), { allow: "admin" });

/** A single-use link valid 7 days; the URL (with its token) is returned only here, once. */
export const POST = route(async (req, ctx) => {
  const body = await parseJson(req, inviteSchema);
  const created = await inviteToWorkspace(await getDb(), ctx.workspaceId, ctx.principal.user?.id ?? null, body);
  return Response.json(created, { status: 201 });
}, { allow: "admin" });
