import { getDb } from "@/lib/db";
import { changeMembership } from "@/lib/db/queries/accounts";
import { memberRoleSchema } from "@/lib/server/accounts";
import { parseJson, route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

type Params = { userId: string };

/** Changes a member's role; 409 last_owner when nobody would own the workspace any more. */
export const PATCH = route<Params>(async (req, ctx, { userId }) => {
  const { role } = await parseJson(req, memberRoleSchema);
  return Response.json({ member: await changeMembership(await getDb(), ctx.workspaceId, userId, role) });
}, { allow: "admin" });

/** Removes a member from the workspace and ends their sessions in it. */
export const DELETE = route<Params>(async (_req, ctx, { userId }) => {
  await changeMembership(await getDb(), ctx.workspaceId, userId, null);
  return new Response(null, { status: 204 });
}, { allow: "admin" });
