import { getDb } from "@/lib/db";
import { pingDatabase } from "@/lib/db/queries/health";
import { publicRoute } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** Liveness for load balancers and start scripts: 200 when the database answers, else 503. Public; says nothing else. */
export const GET = publicRoute(async () => {
  await pingDatabase(await getDb());
  return Response.json({ status: "ok" });
});
