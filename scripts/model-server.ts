/**
 * Starts the protocol-faithful test model server for manual use, e.g. to run the app against a
 * fake Ollama: `npx tsx scripts/model-server.ts --port 11434` then OLLAMA_BASE_URL=http://127.0.0.1:11434.
 * Options: --port N (default 11434), --host H (default 127.0.0.1), --token-delay MS (default 30),
 * --api-key KEY (require it on /v1), --chat-models a,b  --embedding-models c,d,
 * --reply-tokens N (answer every chat with exactly N tokens instead of quoting the question, so a
 * benchmark's answers all take N × token-delay whatever was asked)
 */
import { parseArgs } from "node:util";
import { DEFAULT_CHAT_MODELS, DEFAULT_EMBEDDING_MODELS, startModelServer } from "../tests/support/model-server";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "11434" },
    host: { type: "string", default: "127.0.0.1" },
    "token-delay": { type: "string", default: "30" },
    "api-key": { type: "string" },
    "chat-models": { type: "string" },
    "embedding-models": { type: "string" },
    "reply-tokens": { type: "string" },
  },
});

/** "w1 w2 … wN": N tokens as the server splits them (one word with its trailing space). */
const fixedReply = (count: number) => Array.from({ length: count }, (_, i) => `w${i + 1}`).join(" ");

const list = (value: string | undefined, fallback: string[]) => (value ? value.split(",").map((s) => s.trim()).filter(Boolean) : fallback);
const port = Number(values.port);
const tokenDelayMs = Number(values["token-delay"]);
const replyTokenCount = values["reply-tokens"] === undefined ? undefined : Number(values["reply-tokens"]);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isFinite(tokenDelayMs) || (replyTokenCount !== undefined && !(Number.isInteger(replyTokenCount) && replyTokenCount > 0))) {
  console.error("Usage: npx tsx scripts/model-server.ts [--port 11434] [--host 127.0.0.1] [--token-delay 30]");
  process.exit(2);
}

async function main() {
  const server = await startModelServer({
    port,
    host: values.host,
    tokenDelayMs,
    apiKey: values["api-key"],
    chatModels: list(values["chat-models"], DEFAULT_CHAT_MODELS),
    embeddingModels: list(values["embedding-models"], DEFAULT_EMBEDDING_MODELS),
    ...(replyTokenCount ? { reply: () => fixedReply(replyTokenCount) } : {}),
  });
  // The first line is what a parent process waits for (benchmarks start this script as a child).
  console.log(`Test model server listening on ${server.url}`);
  console.log(`  Ollama:            OLLAMA_BASE_URL=${server.url}`);
  console.log(`  OpenAI-compatible: base URL ${server.url}/v1`);
  console.log(`  Hugging Face:      endpoint URL ${server.url}`);

  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
