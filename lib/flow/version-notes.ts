import type { Locale, Localized } from "@/lib/i18n/locale";

/**
 * Notes of the versions Trellis makes by itself are stored as markers, not sentences, so each
 * person reads them in their own language. A person's own note can never start with the prefix
 * (the API refuses it), so a marker is never mistaken for one.
 */
export const SYSTEM_NOTE_PREFIX = "trellis:";
export const AUTO_SNAPSHOT_NOTE = `${SYSTEM_NOTE_PREFIX}auto`;
const BEFORE_RESTORE = `${SYSTEM_NOTE_PREFIX}before-restore:`;

/** How often at most an automatic version is taken while a person edits. */
export const AUTO_SNAPSHOT_INTERVAL_MS = 10 * 60 * 1000;

export type VersionKind = "manual" | "auto" | "before-restore";

/**
 * The marker for the snapshot taken just before restoring version `n`.
 * @example beforeRestoreNote(3) // "trellis:before-restore:3"
 */
export function beforeRestoreNote(version: number): string {
  return `${BEFORE_RESTORE}${version}`;
}

const texts = {
  auto: { en: "Automatic snapshot (before further edits)", zh: "自动快照（继续编辑之前）" },
  restore: { en: "Automatic snapshot before restoring version {n}", zh: "恢复版本 {n} 之前的自动快照" },
} satisfies Record<string, Localized>;

/**
 * What a stored note means: who made the version and the note to show, in the reader's language.
 * @example describeVersionNote("trellis:before-restore:3", "zh") // { kind: "before-restore", text: "恢复版本 3 之前的自动快照" }
 */
export function describeVersionNote(note: string, locale: Locale): { kind: VersionKind; text: string } {
  if (note === AUTO_SNAPSHOT_NOTE) return { kind: "auto", text: texts.auto[locale] };
  if (note.startsWith(BEFORE_RESTORE)) return { kind: "before-restore", text: texts.restore[locale].replace("{n}", note.slice(BEFORE_RESTORE.length)) };
  return { kind: "manual", text: note };
}
