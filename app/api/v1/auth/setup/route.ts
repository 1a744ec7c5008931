import { getDb } from "@/lib/db";
import { setupOwner, setupSchema } from "@/lib/server/accounts";
import { signedInResponse } from "@/lib/server/auth-responses";
import { parseJson, publicRoute } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** Creates the owner account on first start (409 once anybody exists) and logs them in. */
export const POST = publicRoute(async (req) => {
  const body = await parseJson(req, setupSchema);
  return signedInResponse(req, await setupOwner(await getDb(), body), 201);
});
