import { z } from "zod";

/**
 * Document tags: short labels a person puts on documents so retrieval can be narrowed to them
 * (the retrieval test page, the batch endpoint, the retriever node's `tags` setting). One
 * definition for the API, the upload form field and the browser, which checks before sending.
 * A tag filter keeps the documents carrying any of the tags named, compared exactly.
 */

export const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 40;

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** One tag: trimmed, 1–40 characters, no control characters (Chinese welcome). */
export const tagSchema = z
  .string()
  .trim()
  .min(1, { message: "A tag cannot be empty / 标签不能为空" })
  .max(MAX_TAG_LENGTH, { message: `A tag has at most ${MAX_TAG_LENGTH} characters / 标签最多 ${MAX_TAG_LENGTH} 个字符` })
  .refine((tag) => !CONTROL.test(tag), { message: "A tag cannot contain control characters / 标签不能包含控制字符" });

/**
 * A document's tags: each checked by `tagSchema`, duplicates dropped (first one kept), at most 20.
 * @example documentTagsSchema.parse([" 合同 ", "2024", "合同"]) // ["合同", "2024"]
 */
export const documentTagsSchema = z
  .array(tagSchema)
  .max(MAX_TAGS * 5, { message: `At most ${MAX_TAGS} tags / 最多 ${MAX_TAGS} 个标签` })
  .transform((tags) => [...new Set(tags)])
  .refine((tags) => tags.length <= MAX_TAGS, { message: `At most ${MAX_TAGS} tags / 最多 ${MAX_TAGS} 个标签` });

/**
 * Tags typed as one line of text — a JSON array, or names separated by commas (half- or
 * full-width) — as a list, not yet validated.
 * @example splitTags("合同, 2024，人事") // ["合同", "2024", "人事"]
 * @example splitTags('["a,b", "c"]') // ["a,b", "c"]
 */
export function splitTags(raw: string): unknown {
  const text = raw.trim();
  if (text.startsWith("[")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text
    .split(/[,，]/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/**
 * Every distinct tag of some documents, in order of first appearance: the choices of a tag filter.
 * @example tagsOf([{ tags: ["合同"] }, { tags: ["人事", "合同"] }]) // ["合同", "人事"]
 */
export function tagsOf(docs: ReadonlyArray<{ tags?: readonly string[] | null }>): string[] {
  return [...new Set(docs.flatMap((d) => d.tags ?? []))];
}
