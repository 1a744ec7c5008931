import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import type { Db } from "../client";
import { dbCall } from "../errors";
import { jsonSafe } from "../json";
import { settings } from "../schema";

/**
 * Workspace settings as JSON values under string keys ("ui.locale", "ollama.probe", …).
 * A value is stored as given; pass a zod schema to `getSetting` to get it back typed and
 * checked, since a stored value may predate the code reading it.
 */

/**
 * One setting, or undefined when it was never set. With a schema, a stored value that no longer
 * fits is reported as an AppError rather than handed on with the wrong shape.
 * @example const locale = await getSetting(db, "local", "ui.locale", z.enum(["en", "zh"]));
 */
export async function getSetting(db: Db, workspaceId: string, key: string): Promise<unknown>;
export async function getSetting<S extends z.ZodType>(db: Db, workspaceId: string, key: string, schema: S): Promise<z.output<S> | undefined>;
export async function getSetting(db: Db, workspaceId: string, key: string, schema?: z.ZodType): Promise<unknown> {
  const rows = await dbCall("getSetting", () =>
    db
      .select({ value: settings.value })
      .from(settings)
      .where(and(eq(settings.workspaceId, workspaceId), eq(settings.key, key)))
      .limit(1),
  );
  if (!rows[0]) return undefined;
  if (!schema) return rows[0].value;
  const parsed = schema.safeParse(rows[0].value);
  if (parsed.success) return parsed.data;
  throw new AppError(
    "internal:settings",
    {
      en: `The stored setting "${key}" has an unexpected shape; set it again.`,
      zh: `已保存的设置“${key}”格式不正确，请重新设置。`,
    },
    500,
    { key, issues: parsed.error.issues.map((issue) => issue.message) },
  );
}

/**
 * Stores a setting (insert or replace). `undefined` is not a JSON value: use null to clear.
 * @example await setSetting(db, "local", "ui.locale", "zh");
 */
export async function setSetting(db: Db, workspaceId: string, key: string, value: unknown): Promise<void> {
  if (value === undefined) {
    throw new AppError("bad_request:settings", { en: "A setting needs a value (use null to clear it).", zh: "设置需要一个值（用 null 清空）。" }, 400);
  }
  // A JSON null must be written as jsonb 'null': drizzle sends a JS null as SQL NULL.
  const stored = value === null ? sql`'null'::jsonb` : jsonSafe(value);
  await dbCall("setSetting", () =>
    db
      .insert(settings)
      .values({ workspaceId, key, value: stored })
      .onConflictDoUpdate({ target: [settings.workspaceId, settings.key], set: { value: stored, updatedAt: sql`now()` } }),
  );
}
