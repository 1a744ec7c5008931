import { getDb } from "@/lib/db";
import { listMembers } from "@/lib/db/queries/accounts";
import { route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, ctx) => Response.json({ members: await listMembers(await getDb(), ctx.workspaceId) }));
