import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { createDb } from "@/lib/db/client";
async function main() {
  const h = await createDb({ dataDir: mkdtempSync(path.join(tmpdir(), "pgb-")) });
  const N = 300;
  for (let r = 0; r < 2; r++) {
    let t = performance.now();
    for (let i = 0; i < N; i++) await h.db.execute(sql`SELECT 1`);
    const sel = (performance.now() - t) / N;
    await h.db.execute(sql`CREATE TABLE IF NOT EXISTS t (id serial primary key, v text)`);
    t = performance.now();
    for (let i = 0; i < N; i++) await h.db.execute(sql`INSERT INTO t (v) VALUES (${"x" + i})`);
    const ins = (performance.now() - t) / N;
    t = performance.now();
    await h.db.transaction(async (tx) => { for (let i = 0; i < N; i++) await tx.execute(sql`INSERT INTO t (v) VALUES (${"x" + i})`); });
    const insTx = (performance.now() - t) / N;
    console.log(JSON.stringify({ select1_ms: sel.toFixed(2), insert_autocommit_ms: ins.toFixed(2), insert_in_tx_ms: insTx.toFixed(2) }));
  }
  await h.close();
}
main();
