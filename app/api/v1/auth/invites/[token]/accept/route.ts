import { getDb } from "@/lib/db";
import { acceptInviteSchema, joinByInvite } from "@/lib/server/accounts";
import { signedInResponse } from "@/lib/server/auth-responses";
import { parseJson, publicRoute } from "@/lib/server/request";

export const dynamic = "force-dynamic";

type Params = { token: string };

/** Creates the invited person's account (the link works once) and logs them in. */
export const POST = publicRoute<Params>(async (req, _ctx, { token }) => {
  const body = await parseJson(req, acceptInviteSchema);
  return signedInResponse(req, await joinByInvite(await getDb(), token, body), 201);
});
