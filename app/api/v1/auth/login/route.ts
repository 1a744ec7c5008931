import { getDb } from "@/lib/db";
import { login, loginSchema } from "@/lib/server/accounts";
import { clientAddress, signedInResponse } from "@/lib/server/auth-responses";
import { parseJson, publicRoute } from "@/lib/server/request";

export const dynamic = "force-dynamic";

export const POST = publicRoute(async (req) => {
  const body = await parseJson(req, loginSchema);
  return signedInResponse(req, await login(await getDb(), body, clientAddress(req)));
});
