import { getDb } from "@/lib/db";
import { deleteSession } from "@/lib/db/queries/accounts";
import { signedOutResponse } from "@/lib/server/auth-responses";
import { route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** Ends the session: the row is deleted, so the cookie is worthless even if it was copied. */
export const POST = route(async (req, ctx) => {
  if (ctx.principal.sessionHash) await deleteSession(await getDb(), ctx.principal.sessionHash);
  return signedOutResponse(req);
}, { allow: "read" });
