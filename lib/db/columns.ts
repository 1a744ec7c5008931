import { sql } from "drizzle-orm";
import { text, timestamp } from "drizzle-orm/pg-core";

/**
 * Columns every table shapes the same way. Ids are text (a UUID made by the database) rather
 * than the uuid type, so an id mistyped in a URL is "not found", not a cast error.
 * @example export const things = pgTable("things", { id: id(), createdAt: createdAt() });
 */
export const id = () =>
  text("id")
    .primaryKey()
    .default(sql`gen_random_uuid()::text`);
export const createdAt = () => timestamp("created_at", { withTimezone: true }).defaultNow().notNull();
export const updatedAt = () => timestamp("updated_at", { withTimezone: true }).defaultNow().notNull();
