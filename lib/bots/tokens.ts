import type { ChatMessage } from "@/nodes/ports";
import type { MemorySetting } from "./types";

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/g;

/**
 * A cheap token estimate for budgets and memory when a provider reports no usage: one token per
 * CJK character, about four characters per token for the rest (what BPE tokenizers average on
 * English). Good to ±30 %, which is what a memory window needs.
 * @example estimateTokens("你好 world") // 2 + 2 = 4
 */
export function estimateTokens(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  return cjk + Math.ceil((text.length - cjk) / 4);
}

/** How many stored messages the memory setting could need at most (one query's LIMIT). */
export function historyFetchLimit(memory: MemorySetting): number {
  return memory.mode === "turns" ? memory.turns * 2 : 200;
}

/**
 * The earlier turns a run sees: the last N turns (a turn = a user message and its answer), or the
 * newest messages that fit the token budget. Oldest first, always starting at a user message.
 * @example trimHistory(messages, { mode: "tokens", tokens: 2000 })
 */
export function trimHistory(history: ChatMessage[], memory: MemorySetting): ChatMessage[] {
  let kept: ChatMessage[];
  if (memory.mode === "turns") {
    kept = memory.turns > 0 ? history.slice(-memory.turns * 2) : [];
  } else {
    kept = [];
    let used = 0;
    for (let i = history.length - 1; i >= 0; i--) {
      used += estimateTokens(history[i].content) + 4;
      if (used > memory.tokens) break;
      kept.unshift(history[i]);
    }
  }
  while (kept.length && kept[0].role !== "user") kept.shift();
  return kept;
}
