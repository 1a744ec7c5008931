import { getDb } from "@/lib/db";
import { pgvectorWarning } from "@/lib/db/pgvector-version";
import { pgvectorVersion } from "@/lib/db/queries/health";
import { providerStatus } from "@/lib/server/providers";
import { route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** Which model provider runs flows right now, whether Ollama answers, and the database's pgvector (C23). */
export const GET = route(async (_req, ctx) => {
  const db = await getDb();
  const pgvector = await pgvectorVersion(db);
  return Response.json({ ...(await providerStatus(db, ctx.workspaceId, ctx.locale)), database: { pgvector, warning: pgvectorWarning(pgvector) } });
});
