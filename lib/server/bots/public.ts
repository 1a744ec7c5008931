import "server-only";
import { verifySecret } from "@/lib/auth/password";
import { FailureLimiter } from "@/lib/auth/rate-limit";
import { readBotSettings } from "@/lib/bots/types";
import type { Db } from "@/lib/db";
import type { Bot } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { decryptSecret, secretAad } from "@/lib/security/secrets";
import { start } from "@/nodes/start";
import { checkUserSignature, END_USER_TOKEN_DAYS, newAnonymousUser, signEndUserToken, verifyEndUserToken, type EndUser } from "./credentials";
import { LimitError } from "./limits";
import { releaseFor } from "./releases";

/** Wrong access codes per bot and address: 10 per 15 minutes, then refused until the window moves. */
const codeFailures = new FailureLimiter({ max: 10, windowMs: 15 * 60_000 });

/**
 * What anyone may learn about a bot: an allow-list of display settings and the input variables
 * of its start node (C10). Never the graph, node settings, provider, prompts or any secret.
 */
export interface PublicBotConfig {
  slug: string;
  title: string;
  avatarUrl: string | null;
  greeting: string;
  suggestedQuestions: string[];
  themeColor: string;
  language: "zh" | "en" | "auto";
  access: "public" | "code" | "signed";
  inputs: { name: string; label: string; type: "text" | "number" | "boolean"; required: boolean }[];
  release: number;
}

export async function publicBotConfig(db: Db, bot: Bot): Promise<PublicBotConfig> {
  const settings = readBotSettings(bot.settings);
  const release = await releaseFor(db, bot);
  const startNode = release.graph.nodes.find((node) => node.type === "start");
  const parsed = startNode ? start.config.safeParse(startNode.data) : undefined;
  const variables = parsed?.success ? parsed.data.variables : [];
  return {
    slug: bot.slug,
    title: settings.title,
    avatarUrl: settings.avatarUrl,
    greeting: settings.greeting,
    suggestedQuestions: settings.suggestedQuestions,
    themeColor: settings.themeColor,
    language: settings.language,
    access: settings.access,
    inputs: variables.map((v) => ({ name: v.name, label: v.label || v.name, type: v.type, required: v.required && v.default === undefined })),
    release: release.number,
  };
}

export interface SessionRequest {
  token?: string;
  accessCode?: string;
  user?: { id: string; expires: number; signature: string };
}

const refused = (code: string, en: string, zh: string) => new AppError(code, { en, zh }, 401);

/**
 * Opens (or refreshes) an end user's session with a bot and returns its token. A still-valid
 * token keeps its end user; a signed identity becomes `user:<id>` (history and budgets follow it
 * across devices); otherwise a new anonymous id is made. Access modes: "code" needs the access
 * code (or a valid token), "signed" a valid signature.
 */
export async function openSession(bot: Bot, body: SessionRequest, ip: string, now = Date.now()): Promise<{ token: string; endUser: EndUser; expiresAt: number }> {
  const settings = readBotSettings(bot.settings);
  let user: EndUser | null = null;
  if (body.user) {
    const secret = decryptSecret(bot.signingSecretCiphertext, secretAad(bot.workspaceId, bot.id));
    const check = checkUserSignature(secret, body.user, now);
    if (check === "invalid") throw refused("signature_invalid", "The user signature is not valid.", "用户签名无效。");
    if (check === "expired") throw refused("signature_expired", "The user signature has expired.", "用户签名已过期。");
    user = { id: `user:${body.user.id}`, kind: "signed" };
  } else if (body.token) {
    const known = verifyEndUserToken(body.token, bot.id, now);
    if (known) user = { id: known.id, kind: known.kind };
  }
  if (settings.access === "signed" && user?.kind !== "signed") {
    throw refused("signature_required", "This bot is only for signed-in users of its site.", "该机器人仅供其网站的已登录用户使用。");
  }
  if (settings.access === "code" && !user) {
    const attempt = `${bot.id}:${ip}`;
    const wait = codeFailures.retryAfterMs(attempt);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new LimitError("rate_limited", { en: `Too many wrong access codes; try again in ${seconds} s.`, zh: `访问码错误次数过多，请 ${seconds} 秒后再试。` }, seconds);
    }
    const ok = body.accessCode && bot.accessCodeHash ? await verifySecret(body.accessCode, bot.accessCodeHash) : false;
    if (!ok) {
      codeFailures.fail(attempt);
      throw refused("access_code_invalid", "The access code is wrong.", "访问码错误。");
    }
  }
  user ??= newAnonymousUser();
  // A signed identity lasts no longer than the host site's signature said.
  const longest = Math.floor(now / 1000) + END_USER_TOKEN_DAYS * 86_400;
  const expiresAt = body.user ? Math.min(longest, body.user.expires) : longest;
  return { token: signEndUserToken(bot.id, user, expiresAt), endUser: user, expiresAt };
}
