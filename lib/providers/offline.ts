import { ProviderError, providerMessages } from "./errors";
import { EXTRACTIVE_ANSWERER_MODEL, extractAnswer, streamPieces } from "./extractive-answerer";
import { OFFLINE_EMBEDDER_MODEL, createOfflineEmbedder } from "./offline-embedder";
import type { ChatModel, ModelInfo } from "./types";

export { EXTRACTIVE_ANSWERER_MODEL, OFFLINE_EMBEDDER_MODEL, createOfflineEmbedder };

function checkAbort(signal?: AbortSignal) {
  if (signal?.aborted) throw new ProviderError("CANCELLED", providerMessages.cancelled());
}

/** Yields to the event loop so each piece reaches the person as its own token event. */
const nextTick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The chat "model" used when no model server is available: the extractive answerer. It is not
 * a language model and says so in every answer; it streams its answer in pieces like a model.
 * @example
 * const r = await createOfflineChatModel().invoke({ messages, question: "什么是 RAG？", documents });
 * r.citations // the documents the quoted sentences came from
 */
export function createOfflineChatModel(provider = "offline"): ChatModel {
  return {
    provider,
    model: EXTRACTIVE_ANSWERER_MODEL,
    async invoke(request) {
      checkAbort(request.signal);
      const answer = extractAnswer(request);
      for (const piece of streamPieces(answer.text)) {
        await nextTick();
        checkAbort(request.signal);
        request.onToken?.(piece);
      }
      return { text: answer.text, model: EXTRACTIVE_ANSWERER_MODEL, provider, citations: answer.citations };
    },
    async *stream(request) {
      checkAbort(request.signal);
      for (const piece of streamPieces(extractAnswer(request).text)) {
        await nextTick();
        checkAbort(request.signal);
        yield piece;
      }
    },
  };
}

/** The two offline models, as the settings page lists them. */
export const offlineModels: ModelInfo[] = [
  { name: EXTRACTIVE_ANSWERER_MODEL, kind: "chat" },
  { name: OFFLINE_EMBEDDER_MODEL, kind: "embedding" },
];
