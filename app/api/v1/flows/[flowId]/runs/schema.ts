import { z } from "zod";

export const runRequestSchema = z.object({
  message: z.string().max(32_000).default(""),
  /** Earlier turns of the conversation; "system" is the flow's own (its LLM nodes' system prompts), never the caller's. */
  history: z
    .array(z.object({ role: z.enum(["user", "assistant"]), content: z.string().max(32_000) }))
    .max(200)
    .default([]),
  variables: z.record(z.string(), z.unknown()).default({}),
  /** false → wait for the run and answer with one JSON document. */
  stream: z.boolean().default(true),
});
