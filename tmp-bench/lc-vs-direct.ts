import { startModelServer } from "../tests/support/model-server";
import { createOllamaChatModel } from "@/lib/providers/ollama";
import { guardedChatModel } from "@/lib/providers/guarded";
import { streamOllamaChat } from "@/lib/providers/ollama-stream";

async function main() {
  const server = await startModelServer({ tokenDelayMs: 0, reply: () => "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11" });
  const config = { id: "o", kind: "ollama" as const, name: "o", baseUrl: server.url };
  const lc = createOllamaChatModel(config, "qwen2.5");
  const direct = guardedChatModel({ provider: "o", model: "qwen2.5", ctx: { kind: "ollama", baseUrl: server.url, model: "qwen2.5", timeoutMs: 60000 }, open: (req, guard) => streamOllamaChat(`${server.url}/api/chat`, "qwen2.5", req, guard) });
  const messages = [{ role: "system" as const, content: "You are a helpful assistant." }, { role: "user" as const, content: "What is a vector database?" }];
  for (const [name, model] of [["langchain", lc], ["direct", direct], ["langchain", lc], ["direct", direct]] as const) {
    for (let i = 0; i < 30; i++) await model.invoke({ messages, temperature: 0.7, maxTokens: 100, onToken: () => undefined });
    const N = 300;
    const cpu = process.cpuUsage();
    const t = performance.now();
    for (let i = 0; i < N; i++) await model.invoke({ messages, temperature: 0.7, maxTokens: 100, onToken: () => undefined });
    const used = process.cpuUsage(cpu);
    console.log(name, "cpu ms/call", ((used.user + used.system) / 1000 / N).toFixed(2), "wall ms/call", ((performance.now() - t) / N).toFixed(2));
  }
  const bodies = server.requests.filter((r) => r.path === "/api/chat").map((r) => JSON.stringify(r.body));
  console.log(bodies[0]); console.log(bodies.at(-1));
  const r = await direct.invoke({ messages, onToken: () => undefined }); console.log(JSON.stringify(r));
  const r2 = await lc.invoke({ messages, onToken: () => undefined }); console.log(JSON.stringify(r2));
  await server.close();
}
main();
