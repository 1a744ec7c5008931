/**
 * Starts the protocol-faithful test model server for manual use, e.g. to run the app against a
 * fake Ollama: `npx tsx scripts/model-server.ts --port 11434` then OLLAMA_BASE_URL=http://127.0.0.1:11434.
 * Options: --port N (default 11434), --host H (default 127.0.0.1), --token-delay MS (default 30),
 * --api-key KEY (require it on /v1), --chat-models a,b  --embedding-models c,d
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
  },
});

const list = (value: string | undefined, fallback: string[]) => (value ? value.split(",").map((s) => s.trim()).filter(Boolean) : fallback);
const port = Number(values.port);
const tokenDelayMs = Number(values["token-delay"]);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isFinite(tokenDelayMs)) {
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
  });
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
