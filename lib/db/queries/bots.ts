import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import type { BotSettings } from "@/lib/bots/types";
import type { FlowDocument } from "@/lib/flow/schema";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { jsonSafe } from "../json";
import { botReleases, bots, type Bot, type BotRelease } from "../schema";

/**
 * Bots and their releases. Studio reads are scoped by workspace (and flow); the public surfaces
 * find a bot by its slug, which is the only thing they know.
 */

export type ReleaseSummary = Pick<BotRelease, "id" | "number" | "flowVersion" | "notes" | "createdBy" | "createdAt">;
const releaseSummary = {
  id: botReleases.id,
  number: botReleases.number,
  flowVersion: botReleases.flowVersion,
  notes: botReleases.notes,
  createdBy: botReleases.createdBy,
  createdAt: botReleases.createdAt,
};

/** The flow's bot, or null (also when the flow is another workspace's). */
export async function getBotByFlowId(db: Db, workspaceId: string, flowId: string): Promise<Bot | null> {
  const rows = await dbCall("getBotByFlowId", () =>
    db.select().from(bots).where(and(eq(bots.workspaceId, workspaceId), eq(bots.flowId, flowId))).limit(1),
  );
  return rows[0] ?? null;
}

/** A bot by its public slug (any workspace: the slug names it). */
export async function getBotBySlug(db: Db, slug: string): Promise<Bot | null> {
  const rows = await dbCall("getBotBySlug", () => db.select().from(bots).where(eq(bots.slug, slug)).limit(1));
  return rows[0] ?? null;
}

export async function createBot(
  db: Db,
  input: { id: string; workspaceId: string; flowId: string; slug: string; settings: BotSettings; signingSecretCiphertext: string },
): Promise<Bot> {
  const rows = await dbCall("createBot", () => db.insert(bots).values(jsonSafe(input)).onConflictDoNothing({ target: bots.flowId }).returning());
  if (rows[0]) return rows[0];
  // Two first publishes raced: the other one created the bot.
  const existing = await dbCall("createBot", () => db.select().from(bots).where(eq(bots.flowId, input.flowId)).limit(1));
  return existing[0];
}

export async function updateBot(
  db: Db,
  workspaceId: string,
  botId: string,
  patch: { settings?: BotSettings; enabled?: boolean; accessCodeHash?: string | null; signingSecretCiphertext?: string },
): Promise<Bot | null> {
  const rows = await dbCall("updateBot", () =>
    db
      .update(bots)
      .set({ ...jsonSafe(patch), updatedAt: sql`now()` })
      .where(and(eq(bots.workspaceId, workspaceId), eq(bots.id, botId)))
      .returning(),
  );
  return rows[0] ?? null;
}

/**
 * Freezes a graph as the bot's next release and makes it active, in one transaction: the number
 * comes from the bot row locked FOR UPDATE, so concurrent publishes get distinct numbers.
 */
export async function createRelease(
  db: Db,
  workspaceId: string,
  botId: string,
  input: { graph: FlowDocument; flowVersion: number; flowRevision: number; notes: string; createdBy: string | null },
): Promise<BotRelease> {
  return dbCall("createRelease", () =>
    db.transaction(async (tx) => {
      const locked = await tx.select({ id: bots.id }).from(bots).where(and(eq(bots.workspaceId, workspaceId), eq(bots.id, botId))).for("update");
      if (!locked[0]) throw new Error("bot vanished while publishing");
      const last = await tx.select({ n: sql<number>`coalesce(max(${botReleases.number}), 0)::int` }).from(botReleases).where(eq(botReleases.botId, botId));
      const number = (last[0]?.n ?? 0) + 1;
      const rows = await tx.insert(botReleases).values(jsonSafe({ botId, number, ...input })).returning();
      await tx.update(bots).set({ activeRelease: number, updatedAt: sql`now()` }).where(eq(bots.id, botId));
      return rows[0];
    }),
  );
}

export function listReleases(db: Db, botId: string): Promise<ReleaseSummary[]> {
  return dbCall("listReleases", () => db.select(releaseSummary).from(botReleases).where(eq(botReleases.botId, botId)).orderBy(desc(botReleases.number)));
}

export async function getRelease(db: Db, botId: string, number: number): Promise<BotRelease | null> {
  const rows = await dbCall("getRelease", () =>
    db.select().from(botReleases).where(and(eq(botReleases.botId, botId), eq(botReleases.number, number))).limit(1),
  );
  return rows[0] ?? null;
}

/** Makes an existing release the active one (rollback); false when the bot has no such release. */
export async function activateRelease(db: Db, workspaceId: string, botId: string, number: number): Promise<boolean> {
  const rows = await dbCall("activateRelease", () =>
    db
      .update(bots)
      .set({ activeRelease: number, updatedAt: sql`now()` })
      .where(
        and(
          eq(bots.workspaceId, workspaceId),
          eq(bots.id, botId),
          sql`exists (select 1 from ${botReleases} where ${botReleases.botId} = ${botId} and ${botReleases.number} = ${number})`,
        ),
      )
      .returning({ id: bots.id }),
  );
  return rows.length > 0;
}
