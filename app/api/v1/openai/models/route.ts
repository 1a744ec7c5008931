import { getDb } from "@/lib/db";
import { botRoute } from "@/lib/server/bots/http";
import { authenticateBotKey } from "@/lib/server/bots/lookup";

export const dynamic = "force-dynamic";

/** The models a bot API key may use: its own bot, by slug. */
export const GET = botRoute(async (req) => {
  const { bot } = await authenticateBotKey(await getDb(), req);
  return Response.json({ object: "list", data: [{ id: bot.slug, object: "model", created: Math.floor(bot.createdAt.getTime() / 1000), owned_by: "trellis" }] });
});
