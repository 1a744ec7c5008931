import { getDb } from "@/lib/db";
import { deleteInvite } from "@/lib/db/queries/invites";
import { notFound, route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

type Params = { inviteId: string };

export const DELETE = route<Params>(async (_req, ctx, { inviteId }) => {
  if (!(await deleteInvite(await getDb(), ctx.workspaceId, inviteId))) throw notFound({ en: "Invitation", zh: "该邀请" });
  return new Response(null, { status: 204 });
}, { allow: "admin" });
