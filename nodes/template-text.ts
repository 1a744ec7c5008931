import { documentsToText } from "./ports";
/**
 * `{{variable}}` templates shared by the prompt, template and HTTP nodes.
 *
 * Why one helper: the three nodes must agree on what a variable name is (Chinese names
 * included, so no `\w`), and on the safety rule that rendered text is never re-read as a
 * template (C6) — a value containing "{{x}}" stays literal because rendering is one pass
 * over the original template, never over its output.
 */

/** Letters of any script (Chinese included), combining marks, digits and underscore. */
export const VARIABLE_NAME_PATTERN = /^[\p{L}\p{M}\p{N}_]{1,64}$/u;

/** `{{ name }}` with optional whitespace inside the braces. A fresh RegExp per call keeps `lastIndex` state local. */
function placeholderRegex(): RegExp {
  return /\{\{\s*([\p{L}\p{M}\p{N}_]{1,64})\s*\}\}/gu;
}

/**
 * Whether a string may name a variable or a port.
 * @example isVariableName("问题") // true
 * @example isVariableName("a-b") // false
 */
export function isVariableName(name: string): boolean {
  return VARIABLE_NAME_PATTERN.test(name);
}

/**
 * The distinct variable names a template refers to, in order of first use. The nodes turn
 * them into input ports, so the canvas shows one handle per variable.
 * @example templateVariables("{{ 问题 }} and {{context}} {{问题}}") // ["问题", "context"]
 */
export function templateVariables(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(placeholderRegex())) {
    if (!names.includes(match[1])) names.push(match[1]);
  }
  return names;
}

function isDocumentList(value: unknown[]): value is { text: string }[] {
  return value.length > 0 && value.every((item) => typeof item === "object" && item !== null && typeof (item as { text?: unknown }).text === "string");
}

function isMessageList(value: unknown[]): value is { role: string; content: string }[] {
  return (
    value.length > 0 &&
    value.every((item) => typeof item === "object" && item !== null && typeof (item as { role?: unknown }).role === "string" && typeof (item as { content?: unknown }).content === "string")
  );
}

/**
 * How any port value reads as text: numbers and booleans as written, documents as a
 * numbered context block (so `[1]` can be cited), chat history as `role: content` lines,
 * other JSON as JSON. `undefined`/`null` read as empty.
 * @example valueToText([{ id: "a", text: "北京是首都" }]) // "[1] 北京是首都"
 */
export function valueToText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "";
    if (isDocumentList(value)) return documentsToText(value);
    if (isMessageList(value)) return value.map((message) => `${message.role}: ${message.content}`).join("\n");
  }
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return String(value);
  }
}

export interface RenderOptions {
  /**
   * Transforms each rendered value before insertion (URL-encoding, JSON escaping).
   * `offset` is where the placeholder starts in the template.
   */
  encode?: (text: string, name: string, offset: number) => string;
}

/**
 * Replaces every `{{name}}` with its value in one pass. A missing variable renders as
 * empty; inserted values are never scanned again, so user text cannot inject placeholders.
 * @example renderTemplate("你好，{{ 名字 }}", { 名字: "{{secret}}" }) // "你好，{{secret}}"
 */
export function renderTemplate(template: string, values: Record<string, unknown>, options: RenderOptions = {}): string {
  return template.replace(placeholderRegex(), (_whole, name: string, offset: number) => {
    const text = Object.prototype.hasOwnProperty.call(values, name) ? valueToText(values[name]) : "";
    return options.encode ? options.encode(text, name, offset) : text;
  });
}
