import { z } from "zod";
import { botSettingsPatchSchema } from "@/lib/bots/types";

/** Request bodies of the studio's publishing routes. */

export const publishSchema = z.object({ notes: z.string().max(500).default("") }).strict();

export const botPatchSchema = z
  .object({
    settings: botSettingsPatchSchema.optional(),
    enabled: z.boolean().optional(),
    /** A new access code (4–200 characters); null removes it. */
    accessCode: z.string().min(4).max(200).nullable().optional(),
    rotateSigningSecret: z.boolean().optional(),
  })
  .strict();

export const createBotKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    dailyTokens: z.number().int().min(1).max(1_000_000_000).nullable().default(null),
    pinnedRelease: z.number().int().min(1).nullable().default(null),
  })
  .strict();
