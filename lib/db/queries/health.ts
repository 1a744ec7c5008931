import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { dbCall } from "../errors";

/** One round trip to the database (health checks): throws the usual 503 AppError when it is down. */
export async function pingDatabase(db: Db): Promise<void> {
  await dbCall("pingDatabase", () => db.execute(sql`SELECT 1`));
}
