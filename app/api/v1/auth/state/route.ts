import { getDb } from "@/lib/db";
import { setupRequired } from "@/lib/server/accounts";
import { publicRoute } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** Whether the owner account still has to be created, and who is logged in (if anyone). */
export const GET = publicRoute(async (_req, ctx) => {
  const user = ctx.principal?.user ? { ...ctx.principal.user, role: ctx.principal.role } : null;
  return Response.json({ setupRequired: await setupRequired(await getDb()), user });
});
