import { z } from "zod";

export const runRequestSchema = z.object({
  message: z.string().max(32_000).default(""),
  history: z
    .array(z.object({ role: z.enum(["user", "assistant", "system"]), content: z.string().max(32_000) }))
    .max(200)
    .default([]),
  variables: z.record(z.string(), z.unknown()).default({}),
  /** false → wait for the run and answer with one JSON document. */
  stream: z.boolean().default(true),
});
