import type { Locale } from "@/lib/i18n/locale";
import { getNodeDef } from "@/nodes";

/**
 * Node type label in the person's language, falling back to the raw type for unknown ones.
 * @example nodeLabel("llm", "zh") // "大模型"
 */
export function nodeLabel(type: string, locale: Locale): string {
  return getNodeDef(type)?.ui.label[locale] ?? type;
}
