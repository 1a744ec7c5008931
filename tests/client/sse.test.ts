import { describe, expect, it } from "vitest";
import { parseSse, type SseMessage } from "@/lib/client/sse";
import { sseFrame } from "@/lib/server/sse";

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

async function all(body: ReadableStream<Uint8Array>): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const message of parseSse(body)) out.push(message);
  return out;
}

describe("parseSse", () => {
  it("reads back what the server writes, event name and JSON data", async () => {
    const frames = [sseFrame("token", { text: "你好" }), sseFrame("run-finished", { status: "succeeded" })];
    const messages = await all(streamOf(frames));
    expect(messages.map((m) => [m.event, JSON.parse(m.data)])).toEqual([
      ["token", { text: "你好" }],
      ["run-finished", { status: "succeeded" }],
    ]);
  });

  it("handles frames and multi-byte Chinese characters split across network chunks", async () => {
    const bytes = sseFrame("token", { text: "向量数据库" });
    const chunks = Array.from(bytes).map((b) => new Uint8Array([b]));
    const messages = await all(streamOf(chunks));
    expect(JSON.parse(messages[0].data)).toEqual({ text: "向量数据库" });
  });

  it("drops heartbeat comments and joins multi-line data", async () => {
    const messages = await all(streamOf([": ping\n\n", "event: note\ndata: line one\ndata: line two\n\n", "data: tail"]));
    expect(messages).toEqual([
      { event: "note", data: "line one\nline two", id: undefined },
      { event: "message", data: "tail", id: undefined },
    ]);
  });
});
