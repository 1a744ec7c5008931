/**
 * The messages the widget (on the host page) and the embed page (in its iframe) exchange with
 * postMessage. Both sides check the sender: the widget accepts only its iframe's window at the
 * Trellis origin; the embed page accepts only its parent at one of the bot's allowed origins.
 * This file is imported by both, so it holds types and constants only.
 */
export const SOURCE = "trellis";

/** A signed end user, made by the host site's server: HMAC-SHA256(bot signing secret, `${id}.${expires}`) in hex. */
export interface SignedUser {
  id: string;
  expires: number;
  signature: string;
}

/** iframe → widget */
export type FromEmbed =
  | { source: typeof SOURCE; type: "ready" }
  | { source: typeof SOURCE; type: "token"; token: string }
  | { source: typeof SOURCE; type: "close" };

/** widget → iframe */
export type ToEmbed =
  | { source: typeof SOURCE; type: "init"; token: string | null; user: SignedUser | null }
  | { source: typeof SOURCE; type: "identify"; user: SignedUser };
