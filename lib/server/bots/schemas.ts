import { z } from "zod";

/**
 * Request bodies of the public bot surfaces. All are strict: a body carrying anything else — a
 * `graph`, `overrideConfig`, a provider URL, a system prompt — is refused with 400 rather than
 * silently ignored, so nobody believes they changed the bot (C3).
 */

const inputs = z.record(z.string().max(100), z.union([z.string().max(32_000), z.number(), z.boolean(), z.null()])).default({});

export const publicChatSchema = z
  .object({
    message: z.string().max(1_000_000),
    conversationId: z.string().uuid().optional(),
    inputs,
    stream: z.boolean().default(true),
  })
  .strict();

export const botApiChatSchema = publicChatSchema
  .extend({
    /** The end user on the integrator's side; their conversations and budget follow this id. */
    user: z.string().min(1).max(200).optional(),
    /** Run this published version instead of the active one. */
    version: z.number().int().min(1).optional(),
  })
  .strict();

export const feedbackSchema = z
  .object({
    rating: z.enum(["up", "down"]).nullable(),
    comment: z.string().max(2_000).optional(),
  })
  .strict();

export const sessionSchema = z
  .object({
    token: z.string().max(1_000).optional(),
    accessCode: z.string().max(200).optional(),
    user: z
      .object({
        id: z.string().min(1).max(200),
        expires: z.number().int().positive(),
        signature: z.string().regex(/^[0-9a-fA-F]{64}$/),
      })
      .strict()
      .optional(),
  })
  .strict();
