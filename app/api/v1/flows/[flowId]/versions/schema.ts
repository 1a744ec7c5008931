import { z } from "zod";
import { SYSTEM_NOTE_PREFIX } from "@/lib/flow/version-notes";

export const createVersionSchema = z.object({
  note: z
    .string()
    .trim()
    .max(500)
    .refine((note) => !note.startsWith(SYSTEM_NOTE_PREFIX), `A note may not start with "${SYSTEM_NOTE_PREFIX}" / 备注不能以“${SYSTEM_NOTE_PREFIX}”开头`)
    .default(""),
});

/** `from`/`to` of a comparison: a version number or "current" (the flow as saved now). */
export const compareQuerySchema = z.object({
  from: z.string().regex(/^(current|[1-9]\d{0,8})$/, 'Use a version number or "current" / 请使用版本号或 "current"'),
  to: z.string().regex(/^(current|[1-9]\d{0,8})$/, 'Use a version number or "current" / 请使用版本号或 "current"').default("current"),
});
