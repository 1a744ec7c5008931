import "server-only";
import type { Db } from "@/lib/db";
import { createDocument } from "@/lib/db/queries/documents";
import { documentTagsSchema, splitTags } from "@/lib/document-tags";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import type { Locale } from "@/lib/i18n/locale";
import { appFileStore } from "@/lib/jobs";
import { findJsonProblem, hasInvalidText, printable } from "@/lib/security/input-text";
import { parseFile } from "@/lib/rag/parse";
import { sniffFile } from "@/lib/rag/sniff";
import { chunkingSettingsSchema, splitDocument } from "@/lib/rag/split";
import type { ChunkDraft, ChunkingSettings } from "@/lib/rag/types";
import { enqueueDocuments } from "./knowledge";
import { jsonProblemError } from "./request";

/**
 * Uploads to a knowledge base: multipart/form-data only (a JSON body naming server paths —
 * checklist C8 — is refused before anything is read), a per-file size cap, the content sniffed
 * before anything is stored so an obviously bad file is refused at once, and one result per
 * file: the rest of a batch goes on when one file is bad.
 */

/** Files accepted in one request. */
export const MAX_FILES_PER_UPLOAD = 100;

/**
 * The per-file upload limit in bytes (TRELLIS_MAX_UPLOAD_MB, default 50 MB).
 * @example maxUploadBytes() // 52428800
 */
export function maxUploadBytes(): number {
  return env().TRELLIS_MAX_UPLOAD_MB * 1024 * 1024;
}

/**
 * The most one upload request may carry: two files at the per-file limit plus 1 MB for the form
 * around them. next.config.js gives the framework's own body limit (the proxy's copy of the
 * body, `experimental.proxyClientMaxBodySize`) the same figure, so a body the route accepts
 * always reaches it whole.
 * @example maxUploadRequestBytes() // 105906176 with the default 50 MB per file
 */
export function maxUploadRequestBytes(): number {
  return uploadRequestBytes(env().TRELLIS_MAX_UPLOAD_MB);
}

/** {@link maxUploadRequestBytes} for a per-file limit in MB (next.config.js computes the same). */
export function uploadRequestBytes(perFileMb: number): number {
  return Math.ceil((2 * perFileMb + 1) * 1024 * 1024);
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

function tooLarge(size: number, limit: number): AppError {
  return new AppError(
    "FILE_TOO_LARGE",
    {
      en: `This file is ${mb(size)}, larger than the ${mb(limit)} limit. Split it into smaller files and upload them separately.`,
      zh: `该文件大小为 ${mb(size)}，超过了 ${mb(limit)} 的上限。请拆分成较小的文件后分别上传。`,
    },
    413,
  );
}

/**
 * The request's multipart form, or a 415 for anything else (JSON included: C8). A body larger
 * than {@link maxUploadRequestBytes} is refused with 413 before it is read; a text field with a
 * character that cannot be stored (NUL, a broken Unicode character) with 400 invalid_text.
 * @example const form = await readMultipart(req);
 */
export async function readMultipart(req: Request): Promise<FormData> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (!type.startsWith("multipart/form-data")) {
    throw new AppError(
      "unsupported_media_type",
      { en: "Upload files as multipart/form-data (a form with file fields).", zh: "请以 multipart/form-data（含文件字段的表单）上传文件。" },
      415,
    );
  }
  const declared = Number(req.headers.get("content-length") ?? NaN);
  const limit = maxUploadRequestBytes();
  if (declared > limit) {
    const perFile = maxUploadBytes();
    throw new AppError(
      "UPLOAD_TOO_LARGE",
      {
        en: `This upload is ${mb(declared)}, more than one request may carry (${mb(limit)}). Each file may be up to ${mb(perFile)}: upload fewer files at a time.`,
        zh: `本次上传共 ${mb(declared)}，超过单次请求的上限（${mb(limit)}）。每个文件最大 ${mb(perFile)}：请分批上传。`,
      },
      413,
    );
  }
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw new AppError("invalid_multipart", { en: "The upload could not be read as a multipart form.", zh: "无法读取上传的表单数据。" }, 400);
  }
  // File names are cleaned when stored (C7); text fields are stored as sent, so they must be storable.
  form.forEach((value, key) => {
    if (hasInvalidText(key) || (typeof value === "string" && hasInvalidText(value))) throw jsonProblemError({ kind: "invalid_text", path: printable(key) });
  });
  return form;
}

/** The File entries of a form (any field name), in order. */
export function formFiles(form: FormData): File[] {
  const files: File[] = [];
  form.forEach((value) => {
    if (typeof value !== "string") files.push(value);
  });
  return files;
}

/**
 * A file's bytes if it passes the checks that need no parsing: size and content sniffing.
 * Throws the FILE_* AppError otherwise.
 * @example const bytes = await checkedBytes(file, maxUploadBytes());
 */
export async function checkedBytes(file: File, maxBytes: number): Promise<Uint8Array> {
  if (file.size > maxBytes) throw tooLarge(file.size, maxBytes);
  const bytes = new Uint8Array(await file.arrayBuffer());
  sniffFile(bytes, file.name);
  return bytes;
}

export type UploadResult =
  | { name: string; status: "queued"; documentId: string }
  | { name: string; status: "duplicate"; documentId: string; existingName: string }
  | { name: string; status: "error"; error: { code: string; message: string } };

/**
 * Stores each acceptable file as a queued document and starts its ingestion; returns one result
 * per file, in order. Bad files never stop the batch. `tags` go on every new document of the
 * batch; a duplicate keeps the document it duplicates as it is (tags included).
 * @example const results = await uploadFiles(db, "local", kb.id, formFiles(form), "zh", { tags: tagsField(form) });
 */
export async function uploadFiles(
  db: Db,
  workspaceId: string,
  knowledgeBaseId: string,
  files: File[],
  locale: Locale,
  options: { tags?: string[] } = {},
): Promise<UploadResult[]> {
  if (files.length === 0) {
    throw new AppError("no_files", { en: "Choose at least one file to upload.", zh: "请至少选择一个要上传的文件。" }, 400);
  }
  if (files.length > MAX_FILES_PER_UPLOAD) {
    throw new AppError("too_many_files", { en: `Upload at most ${MAX_FILES_PER_UPLOAD} files at a time.`, zh: `每次最多上传 ${MAX_FILES_PER_UPLOAD} 个文件。` }, 400);
  }
  const store = appFileStore();
  const maxBytes = maxUploadBytes();
  const results: UploadResult[] = [];
  const queued: string[] = [];
  for (const file of files) {
    const name = file.name || "untitled";
    try {
      const bytes = await checkedBytes(file, maxBytes);
      const { document, duplicate } = await createDocument(db, store, workspaceId, knowledgeBaseId, { name, bytes, tags: options.tags });
      if (duplicate) results.push({ name, status: "duplicate", documentId: document.id, existingName: document.name });
      else {
        results.push({ name, status: "queued", documentId: document.id });
        queued.push(document.id);
      }
    } catch (error) {
      // A missing knowledge base is the whole request's problem, not this file's.
      if (isAppError(error) && error.status === 404 && error.code === "not_found") throw error;
      const appError = isAppError(error) ? error : new AppError("upload_failed", { en: "This file could not be stored.", zh: "无法保存该文件。" }, 500);
      if (!isAppError(error)) console.error("[trellis] upload failed", error);
      results.push({ name, status: "error", error: { code: appError.code, message: appError.messageIn(locale) } });
    }
  }
  await enqueueDocuments(queued);
  return results;
}

/** One column of a chunking preview. */
export interface PreviewColumn {
  settings: ChunkingSettings;
  total: number;
  characters: number;
  chunks: Array<Pick<ChunkDraft, "index" | "text" | "start" | "parentText" | "page" | "heading">>;
}

/** Chunks shown per preview column (the total is reported). */
export const PREVIEW_LIMIT = 300;

/**
 * Parses one file and splits it with each settings, storing nothing: what the user sees before
 * ingesting, side by side when two settings are compared.
 * @example const [a, b] = await previewChunks(file, [{ ...defaultChunking }, { ...defaultChunking, chunkSize: 600 }]);
 */
export async function previewChunks(file: File, settings: unknown[]): Promise<{ kind: string; columns: PreviewColumn[] }> {
  const parsedSettings = settings.map((s) => chunkingSettingsSchema.parse(s));
  const bytes = await checkedBytes(file, maxUploadBytes());
  const doc = await parseFile(bytes, { filename: file.name, maxBytes: maxUploadBytes() });
  const columns = parsedSettings.map((s) => {
    const drafts = splitDocument(doc, s);
    return { settings: s, total: drafts.length, characters: doc.text.length, chunks: drafts.slice(0, PREVIEW_LIMIT) };
  });
  return { kind: doc.kind, columns };
}

/**
 * The upload's `tags` field — a JSON array or names separated by commas — checked like the
 * PATCH body (trimmed, 1–40 characters each, deduplicated, at most 20); absent or blank: none.
 * A bad value refuses the whole upload (400) before any file is stored.
 * @example tagsField(form) // form tags = "合同, 2024" → ["合同", "2024"]
 */
export function tagsField(form: FormData): string[] {
  const raw = form.get("tags");
  if (raw === null) return [];
  const parsed = documentTagsSchema.safeParse(typeof raw === "string" ? splitTags(raw) : null);
  if (!parsed.success) {
    const reason = parsed.error.issues[0]?.message ?? "";
    throw new AppError(
      "invalid_tags",
      { en: `The field “tags” must be a JSON array of tags or tags separated by commas: ${reason}`, zh: `字段“tags”须为标签的 JSON 数组，或以逗号分隔的标签：${reason}` },
      400,
    );
  }
  return parsed.data;
}

/**
 * A form field holding JSON (the preview's settings), parsed; a bad one is a 400.
 * @example const settings = jsonField(form, "settings");
 */
export function jsonField(form: FormData, name: string): unknown {
  const raw = form.get(name);
  if (raw === null) return undefined;
  if (typeof raw !== "string") {
    throw new AppError("invalid_request", { en: `The field “${name}” must be text (JSON).`, zh: `字段“${name}”必须是文本（JSON）。` }, 400);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new AppError("invalid_json", { en: `The field “${name}” is not valid JSON.`, zh: `字段“${name}”不是合法的 JSON。` }, 400);
  }
  const problem = findJsonProblem(value, { maxDepth: 32 });
  if (problem) throw jsonProblemError(problem, problem.path ? `${name}.${problem.path}` : name);
  return value;
}
