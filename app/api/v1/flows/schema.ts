import { z } from "zod";

export const createFlowSchema = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000).optional(),
  /** A flow document; omitted → the starter flow (start → prompt → LLM → answer). */
  graph: z.unknown().optional(),
});

export const updateFlowSchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  description: z.string().max(2000).optional(),
  graph: z.unknown().optional(),
  /** The revision the editor started from; a stale one is refused with 409 instead of overwriting. */
  expectedRevision: z.number().int().nonnegative().optional(),
});
