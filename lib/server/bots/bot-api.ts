import "server-only";
import type { Db } from "@/lib/db";
import type { Bot, BotApiKey } from "@/lib/db/schema";
import { botNotFound, authenticateBotKey } from "./lookup";
import { checkOrigin } from "./http";

/**
 * The bot API's caller: a bot API key of *this* bot (a key of another bot is refused as if the bot
 * did not exist). The end user is the integrator's `user` id (`user:<id>`, the same person a
 * signed widget identity names) or, without one, the key itself (`key:<id>`).
 */
export async function botApiCaller(db: Db, req: Request, slug: string): Promise<{ bot: Bot; key: BotApiKey }> {
  const { bot, key } = await authenticateBotKey(db, req);
  if (bot.slug !== slug) throw botNotFound();
  checkOrigin(req, bot);
  return { bot, key };
}

export function apiEndUser(key: BotApiKey, user: string | null | undefined): string {
  return user ? `user:${user}` : `key:${key.id}`;
}
