import { z } from "zod";
import { getDb } from "@/lib/db";
import { activateBotRelease } from "@/lib/server/bots/publish";
import { route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** Rollback: makes an earlier (or later) release the one every public surface runs. */
export const POST = route<{ flowId: string; number: string }>(async (_req, ctx, { flowId, number }) => {
  const n = z.coerce.number().int().min(1).parse(number);
  return Response.json({ bot: await activateBotRelease(await getDb(), ctx.workspaceId, flowId, n) });
});
