import { z } from "zod";

export const runNodeSchema = z.object({
  /** Sample values by input port name (pre-filled by the editor from the last run). */
  inputs: z.record(z.string(), z.unknown()).default({}),
  /** Unsaved settings from the editor; replace the saved node's settings for this run only. */
  settings: z.record(z.string(), z.unknown()).optional(),
  /** What the person "sent", for nodes that read the run's input (start, LLM's question). */
  message: z.string().max(32_000).default(""),
  /** Earlier turns of the conversation; "system" is the flow's own (its LLM nodes' system prompts), never the caller's. */
  history: z
    .array(z.object({ role: z.enum(["user", "assistant"]), content: z.string().max(32_000) }))
    .max(200)
    .default([]),
  variables: z.record(z.string(), z.unknown()).default({}),
});
