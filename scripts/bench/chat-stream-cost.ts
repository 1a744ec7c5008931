/**
 * CPU and wall time per answer of Ollama's chat stream read through LangChain's ChatOllama and
 * read directly (lib/providers/ollama-stream.ts), both under the same guard, against the stand-in
 * model server in this process (11 tokens, no delay; its own work is in both figures). The
 * measured reason for the run path's direct reader (docs/architecture.md, "Model streams").
 * @example npx tsx --conditions=react-server scripts/bench/chat-stream-cost.ts
 */
import { ChatOllama } from "@langchain/ollama";
import { guardedChatModel } from "@/lib/providers/guarded";
import { streamPieces } from "@/lib/providers/lc-messages";
import { streamOllamaChat } from "@/lib/providers/ollama-stream";
import type { ChatModel } from "@/lib/providers/types";
import { startModelServer } from "../../tests/support/model-server";

async function main(): Promise<void> {
  const server = await startModelServer({ tokenDelayMs: 0, reply: () => "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11" });
  const ctx = { kind: "ollama" as const, baseUrl: server.url, model: "qwen2.5", timeoutMs: 60_000 };
  const langchain = guardedChatModel({
    provider: "ollama",
    model: "qwen2.5",
    ctx,
    open: (request, guard) => streamPieces(new ChatOllama({ baseUrl: server.url, model: "qwen2.5", fetch: guard.fetch, temperature: request.temperature, numPredict: request.maxTokens }), request.messages, guard.signal),
  });
  const direct = guardedChatModel({ provider: "ollama", model: "qwen2.5", ctx, open: (request, guard) => streamOllamaChat(`${server.url}/api/chat`, "qwen2.5", request, guard) });
  const messages = [
    { role: "system" as const, content: "You are a helpful assistant." },
    { role: "user" as const, content: "What is a vector database?" },
  ];
  const measure = async (name: string, model: ChatModel) => {
    const call = () => model.invoke({ messages, temperature: 0.7, maxTokens: 100, onToken: () => undefined });
    for (let i = 0; i < 30; i++) await call();
    const answers = 300;
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < answers; i++) await call();
    const used = process.cpuUsage(cpu);
    console.log(`${name.padEnd(10)} CPU ${((used.user + used.system) / 1000 / answers).toFixed(2)} ms/answer, wall ${((performance.now() - started) / answers).toFixed(2)} ms/answer`);
  };
  for (let round = 0; round < 2; round++) {
    await measure("langchain", langchain);
    await measure("direct", direct);
  }
  await server.close();
}

void main();
