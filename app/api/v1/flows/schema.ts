import { z } from "zod";

export const createFlowSchema = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000).optional(),
  /** A flow document; omitted → the template, else the starter flow (start → prompt → LLM → answer). */
  graph: z.unknown().optional(),
  /** Start from a template (GET /api/v1/templates), in the caller's language; ignored when `graph` is given. */
  templateId: z.string().max(100).optional(),
});

export const updateFlowSchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  description: z.string().max(2000).optional(),
  graph: z.unknown().optional(),
  /** The revision the editor started from; a stale one is refused with 409 instead of overwriting. */
  expectedRevision: z.number().int().nonnegative().optional(),
});
