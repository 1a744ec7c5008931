import { getDb } from "@/lib/db";
import { botRoute, checkOrigin } from "@/lib/server/bots/http";
import { findBot } from "@/lib/server/bots/lookup";
import { openSession } from "@/lib/server/bots/public";
import { sessionSchema } from "@/lib/server/bots/schemas";
import { parseJson } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** Opens or refreshes an end user's session: an anonymous id, a signed host-site user, an access code. */
export const POST = botRoute<{ slug: string }>(async (req, ctx, { slug }) => {
  const bot = await findBot(await getDb(), slug);
  checkOrigin(req, bot);
  return Response.json(await openSession(bot, await parseJson(req, sessionSchema), ctx.ip));
});
