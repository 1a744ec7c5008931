import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { requireKnowledgeBase } from "@/lib/server/knowledge";
import { formFiles, jsonField, previewChunks, readMultipart } from "@/lib/server/knowledge-upload";
import { route } from "@/lib/server/request";

export const dynamic = "force-dynamic";

/**
 * multipart: `file` + `settings` (ChunkingSettings JSON, default: the knowledge base's) and an
 * optional `compare` (a second settings JSON) → the chunks for each, nothing stored.
 */
export const POST = route<{ kbId: string }>(async (req, ctx, { kbId }) => {
  const form = await readMultipart(req);
  const kb = await requireKnowledgeBase(await getDb(), ctx.workspaceId, kbId);
  const [file] = formFiles(form);
  if (!file) throw new AppError("no_files", { en: "Choose a file to preview.", zh: "请选择一个要预览的文件。" }, 400);
  const settings: unknown[] = [jsonField(form, "settings") ?? kb.chunking];
  const compare = jsonField(form, "compare");
  if (compare !== undefined) settings.push(compare);
  return Response.json({ name: file.name, ...(await previewChunks(file, settings)) });
}, { allow: "run" });
