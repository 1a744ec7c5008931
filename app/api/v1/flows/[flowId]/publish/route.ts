import { getDb } from "@/lib/db";
import { publishFlow } from "@/lib/server/bots/publish";
import { publishSchema } from "@/lib/server/bots/studio-schemas";
import { parseJson, route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** Publishes the saved flow as the bot's next release (400 with every problem if it is invalid). */
export const POST = route<{ flowId: string }>(async (req, ctx, { flowId }) => {
  const body = await parseJson(req, publishSchema);
  const result = await publishFlow(await getDb(), ctx.workspaceId, flowId, {
    notes: body.notes,
    author: ctx.principal.user?.name ?? ctx.principal.user?.email ?? null,
    locale: ctx.locale,
  });
  return Response.json(result, { status: 201 });
});
