import type { z } from "zod";
import type { Localized } from "@/lib/i18n/locale";

export type FieldKind = "text" | "textarea" | "number" | "select" | "switch" | "list" | "string-list" | "provider" | "model" | "knowledge-base" | "json";

/** One field of a generated settings form, derived from a node type's zod schema and `.meta()`. */
export interface FieldSpec {
  key: string;
  kind: FieldKind;
  label: Localized;
  help?: Localized;
  options?: { value: string; label: Localized }[];
  min?: number;
  max?: number;
  step?: number;
  integer?: boolean;
  minItems?: number;
  maxItems?: number;
  /** The field may be left out (zod `.optional()`). */
  optional: boolean;
  /** What the schema fills in when the field is absent. */
  defaultValue?: unknown;
  /** Show the field only when sibling settings have these values (`meta.showWhen`). */
  showWhen?: Record<string, unknown>;
  /** For lists of objects: the fields of one row. */
  itemFields?: FieldSpec[];
  /** For knowledge-base pickers: several may be chosen. */
  multiple?: boolean;
}

type Meta = { label?: Localized; help?: Localized; options?: Record<string, Localized>; widget?: string; showWhen?: Record<string, unknown>; step?: number };
type Zod = z.ZodType & {
  _zod: { def: { type: string; innerType?: Zod; in?: Zod; element?: Zod; shape?: Record<string, Zod>; entries?: Record<string, string | number>; values?: unknown[]; checks?: { _zod: { def: { check: string; minimum?: number; maximum?: number } } }[] } };
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
};

const WRAPPERS = new Set(["default", "optional", "nullable", "prefault", "readonly", "catch", "nonoptional"]);

/**
 * The form fields for a settings schema, in declaration order: the same zod object that validates
 * on the server decides what the settings panel shows, with labels, help and options from
 * `.meta()`. Provider, model and knowledge-base fields get pickers.
 * @example deriveFields(nodeRegistry.llm.config).map((f) => f.kind) // ["provider", "model", "textarea", "number", "number"]
 */
export function deriveFields(schema: z.ZodType): FieldSpec[] {
  const shape = objectShape(schema as Zod);
  if (!shape) return [];
  const keys = Object.keys(shape);
  return keys.map((key) => deriveField(key, shape[key], keys));
}

function objectShape(schema: Zod): Record<string, Zod> | undefined {
  let current: Zod | undefined = schema;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current._zod.def.type === "object") return current._zod.def.shape;
    current = current._zod.def.innerType ?? current._zod.def.in;
  }
  return undefined;
}

function metaOf(schema: Zod): Meta | undefined {
  return typeof schema.meta === "function" ? (schema.meta() as Meta | undefined) : undefined;
}

function deriveField(key: string, schema: Zod, siblings: string[]): FieldSpec {
  let meta: Meta = {};
  let optional = false;
  let core: Zod = schema;
  for (let depth = 0; depth < 8; depth++) {
    meta = { ...metaOf(core), ...meta };
    const type = core._zod.def.type;
    if (type === "optional") optional = true;
    if (WRAPPERS.has(type) && core._zod.def.innerType) core = core._zod.def.innerType;
    else if (type === "pipe" && core._zod.def.in) core = core._zod.def.in;
    else break;
  }
  meta = { ...metaOf(core), ...meta };
  const parsedDefault = schema.safeParse(undefined);
  const field: FieldSpec = { key, kind: "text", label: meta.label ?? { en: key, zh: key }, optional };
  if (meta.help) field.help = meta.help;
  if (meta.showWhen) field.showWhen = meta.showWhen;
  if (parsedDefault.success && parsedDefault.data !== undefined) field.defaultValue = parsedDefault.data;
  const type = core._zod.def.type;
  if (type === "string") {
    field.kind = stringKind(key, meta.widget, siblings);
  } else if (type === "number" || type === "int") {
    field.kind = "number";
    if (typeof core.minValue === "number" && Number.isFinite(core.minValue)) field.min = core.minValue;
    if (typeof core.maxValue === "number" && Number.isFinite(core.maxValue)) field.max = core.maxValue;
    field.integer = core.isInt === true;
    field.step = meta.step ?? (field.integer ? 1 : undefined);
  } else if (type === "boolean") {
    field.kind = "switch";
  } else if (type === "enum" || type === "literal") {
    field.kind = "select";
    const values = type === "enum" ? Object.values(core._zod.def.entries ?? {}) : (core._zod.def.values ?? []);
    field.options = values.map((v) => ({ value: String(v), label: meta.options?.[String(v)] ?? { en: String(v), zh: String(v) } }));
  } else if (type === "array") {
    const element = core._zod.def.element as Zod;
    for (const check of core._zod.def.checks ?? []) {
      const def = check._zod.def;
      if (def.check === "min_length") field.minItems = def.minimum;
      if (def.check === "max_length") field.maxItems = def.maximum;
    }
    const itemShape = objectShape(element);
    if (meta.widget === "knowledge-base" || meta.widget === "knowledge-bases" || /^knowledgeBaseIds$/.test(key)) {
      field.kind = "knowledge-base";
      field.multiple = true;
    } else if (itemShape) {
      field.kind = "list";
      field.itemFields = deriveFields(element);
    } else field.kind = "string-list";
  } else if (type !== "union") {
    field.kind = "json";
  }
  return field;
}

function stringKind(key: string, widget: string | undefined, siblings: string[]): FieldKind {
  if (widget === "textarea" || widget === "prompt") return "textarea";
  if (widget === "provider" || widget === "model" || widget === "knowledge-base") return widget;
  if (key === "provider") return "provider";
  if (key === "model" && siblings.includes("provider")) return "model";
  if (key === "knowledgeBaseId") return "knowledge-base";
  return "text";
}

/**
 * Whether a field is shown given its siblings' current values (`meta.showWhen`).
 * @example isShown(templateField, { mode: "first-non-empty" }) // false
 */
export function isShown(field: FieldSpec, values: Record<string, unknown>): boolean {
  if (!field.showWhen) return true;
  return Object.entries(field.showWhen).every(([key, expected]) => (Array.isArray(expected) ? expected.includes(values[key]) : values[key] === expected));
}

/**
 * Settings for a newly added node: every default the schema declares. Fields without a default
 * are left out, so the checklist asks for them (a URL, a knowledge base).
 * @example initialConfig(nodeRegistry.llm.config) // { provider: "default", model: "", … }
 */
export function initialConfig(schema: z.ZodType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of deriveFields(schema)) if (field.defaultValue !== undefined) out[field.key] = structuredClone(field.defaultValue);
  return out;
}

/**
 * A new row for a list field: defaults filled, nested lists that need a row get one, and an
 * `id` gets a name not used by the other rows (condition branches become output ports).
 * @example newRow(branchesField, existing) // { id: "case_2", match: "all", rules: [{ … }] }
 */
export function newRow(field: FieldSpec, existing: readonly unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const item of field.itemFields ?? []) {
    if (item.defaultValue !== undefined) row[item.key] = structuredClone(item.defaultValue);
    else if (item.kind === "list" && (item.minItems ?? 0) > 0) row[item.key] = [newRow(item, [])];
    else if (item.kind === "switch") row[item.key] = false;
    else if (item.key === "id") row[item.key] = unusedName("case_", existing.map((r) => (r as Record<string, unknown>)?.id));
    else if (!item.optional && (item.kind === "text" || item.kind === "textarea")) row[item.key] = "";
  }
  return row;
}

/**
 * A list of strings after the person types into its row `index`. The row at `items.length` is
 * the empty one "+ add" opens: it joins the list only once something is typed, so an untouched
 * new row is never saved (a placeholder value would be, and searched for). Null: nothing changes.
 * @example typedEntry(["合同"], 1, "") // null
 * @example typedEntry(["合同"], 1, "人") // ["合同", "人"]
 */
export function typedEntry(items: readonly unknown[], index: number, text: string): unknown[] | null {
  if (index === items.length) return text === "" ? null : [...items, text];
  if (index < 0 || index > items.length) return null;
  return items.map((item, i) => (i === index ? text : item));
}

/**
 * A list of strings once the person leaves row `index`: a row left empty (or blank) is dropped,
 * so it is saved as nothing, unless the list would fall below `minItems` (then the checklist says
 * the row needs a value). Null: nothing changes.
 * @example withoutBlankEntry(["合同", " "], 1, 0) // ["合同"]
 */
export function withoutBlankEntry(items: readonly unknown[], index: number, minItems = 0): unknown[] | null {
  const item = items[index];
  if (typeof item !== "string" || item.trim() !== "" || items.length <= minItems) return null;
  return items.filter((_, i) => i !== index);
}

function unusedName(prefix: string, existing: readonly unknown[]): string {
  for (let n = existing.length + 1; ; n++) if (!existing.includes(`${prefix}${n}`)) return `${prefix}${n}`;
}
