import { z } from "zod";
import { providerKinds } from "@/lib/provider-config";

const base = {
  name: z.string().trim().min(1).max(80),
  baseUrl: z.string().trim().url().max(500).optional().or(z.literal("").transform(() => undefined)),
  chatModel: z.string().trim().max(200).optional(),
  embeddingModel: z.string().trim().max(200).optional(),
};

export const createProviderSchema = z.object({
  kind: z.enum(providerKinds).exclude(["offline"]),
  ...base,
  apiKey: z.string().max(500).optional(),
  isDefault: z.boolean().default(false),
});

export const updateProviderSchema = z.object({
  name: base.name.optional(),
  baseUrl: base.baseUrl,
  chatModel: base.chatModel,
  embeddingModel: base.embeddingModel,
  /** undefined keeps the stored key, null removes it, a string replaces it. */
  apiKey: z.string().max(500).nullable().optional(),
  isDefault: z.boolean().optional(),
});

export const testProviderSchema = z.union([
  z.object({ providerId: z.string().min(1) }),
  createProviderSchema.omit({ isDefault: true }),
]);
