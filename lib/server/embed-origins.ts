import "server-only";
import { readBotSettings } from "@/lib/bots/types";
import { getDb } from "@/lib/db";
import { findBot } from "@/lib/server/bots/lookup";

/**
 * The sites that may frame a bot's embed page (/embed/SLUG): its allowed origins while the widget
 * is switched on, else none. Unknown bots and database failures give none too (fail closed: the
 * page is then unframeable). The proxy turns this into CSP frame-ancestors (C17); findBot keeps
 * the bot a moment, so a page load costs no extra database round trip.
 * @example await embedOrigins("k3J9xq2LmP0a") // ["https://shop.example"]
 */
export async function embedOrigins(slug: string): Promise<string[]> {
  try {
    const settings = readBotSettings((await findBot(await getDb(), slug)).settings);
    return settings.widgetEnabled ? [...settings.allowedOrigins] : [];
  } catch {
    return [];
  }
}
