import { getDb } from "@/lib/db";
import { providerStatus } from "@/lib/server/providers";
import { route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/** Which model provider runs flows right now, and whether Ollama answers. */
export const GET = route(async (_req, ctx) => Response.json(await providerStatus(await getDb(), ctx.workspaceId)));
