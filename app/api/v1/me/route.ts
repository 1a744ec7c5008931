import { getDb } from "@/lib/db";
import { getAccountForUser, updateUser } from "@/lib/db/queries/accounts";
import { AppError } from "@/lib/errors";
import { updateMeSchema, userView } from "@/lib/server/accounts";
import { parseJson, route, type RequestContext } from "@/lib/server/request";

export const dynamic = "force-dynamic";

function personOf(ctx: RequestContext): string {
  if (!ctx.principal.user) throw new AppError("not_a_person", { en: "API keys have no profile; log in as a person.", zh: "API 密钥没有个人资料，请以用户身份登录。" }, 400);
  return ctx.principal.user.id;
}

async function me(ctx: RequestContext) {
  const account = await getAccountForUser(await getDb(), personOf(ctx));
  if (!account) throw new AppError("unauthenticated", { en: "Log in first.", zh: "请先登录。" }, 401);
  return { user: userView({ ...account, role: ctx.principal.role }), workspace: { id: ctx.workspaceId, name: account.workspace.name } };
}

export const GET = route(async (_req, ctx) => Response.json(await me(ctx)));

/** Name and language of the person logged in (the language follows them to every browser). Any role. */
export const PATCH = route(async (req, ctx) => {
  const body = await parseJson(req, updateMeSchema);
  await updateUser(await getDb(), personOf(ctx), body);
  return Response.json({ user: (await me(ctx)).user });
}, { allow: "read" });
