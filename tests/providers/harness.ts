import { expect } from "vitest";
import type { ProviderConfig, ProviderKind } from "@/lib/provider-config";
import type { ModelServer } from "@/tests/support/model-server";

/** The three remote provider kinds, each pointed at the test model server the way a user would. */
export const remoteKinds = [
  { kind: "ollama", path: "", chatModel: "qwen2.5", embeddingModel: "shaw/dmeta-embedding-zh" },
  { kind: "openai", path: "/v1", chatModel: "qwen2.5", embeddingModel: "shaw/dmeta-embedding-zh" },
  { kind: "huggingface", path: "", chatModel: "Qwen/Qwen2.5-7B-Instruct", embeddingModel: "BAAI/bge-m3" },
] as const satisfies { kind: ProviderKind; path: string; chatModel: string; embeddingModel: string }[];

export type RemoteKind = (typeof remoteKinds)[number];

export function configFor(server: Pick<ModelServer, "url">, k: RemoteKind, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return { id: `test-${k.kind}`, kind: k.kind, name: `Test ${k.kind}`, baseUrl: server.url + k.path, chatModel: k.chatModel, embeddingModel: k.embeddingModel, ...extra };
}

/** Runs `fn`, expects it to reject, and returns the error. */
export async function rejection(fn: () => Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await fn();
  } catch (error) {
    return error as Record<string, unknown> & Error;
  }
  expect.fail("expected the call to fail");
}

/** Collects a stream into its pieces. */
export async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of stream) pieces.push(piece);
  return pieces;
}

export const hello = [{ role: "user" as const, content: "Hello there, how are you today?" }];
