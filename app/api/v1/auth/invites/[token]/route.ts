import { getDb } from "@/lib/db";
import { describeInvite } from "@/lib/server/accounts";
import { publicRoute } from "@/lib/server/request";

export const dynamic = "force-dynamic";

type Params = { token: string };

/** What an invitation link offers (workspace, role, fixed email); 404 when used, expired or unknown. */
export const GET = publicRoute<Params>(async (_req, _ctx, { token }) => Response.json(await describeInvite(await getDb(), token)));
