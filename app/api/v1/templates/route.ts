import { listTemplates } from "@/lib/flow/templates";
import { route } from "@/lib/server/request";
import { nodeRegistry } from "@/nodes";

export const dynamic = "force-dynamic";

/** The flows a new flow can start from, in the caller's language: `{ templates: [{ id, name, description }] }`. */
export const GET = route(async (_req, ctx) => Response.json({ templates: listTemplates(nodeRegistry, ctx.locale) }));
