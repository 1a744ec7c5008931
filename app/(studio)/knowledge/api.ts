/**
 * The knowledge pages' calls to /api/v1/knowledge-bases/**: JSON or multipart in, the parsed body
 * out, and the API's error message (already in the person's language) as `error`.
 * @example const res = await callApi<{ documents: DocumentRow[] }>(`/api/v1/knowledge-bases/${id}/documents`);
 */
export async function callApi<T>(url: string, init: { method?: string; json?: unknown; form?: FormData } = {}): Promise<{ ok: boolean; status: number; data: T | null; error: string | null }> {
  try {
    const res = await fetch(url, {
      method: init.method ?? (init.json !== undefined || init.form ? "POST" : "GET"),
      headers: init.json !== undefined ? { "Content-Type": "application/json" } : undefined,
      body: init.form ?? (init.json !== undefined ? JSON.stringify(init.json) : undefined),
    });
    const body = res.status === 204 ? null : await res.json().catch(() => null);
    const error = res.ok ? null : ((body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`);
    return { ok: res.ok, status: res.status, data: res.ok ? (body as T) : null, error };
  } catch (e) {
    return { ok: false, status: 0, data: null, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Chunking settings as the forms edit them (mirrors lib/rag/types.ts ChunkingSettings). */
export interface Chunking {
  mode: "general" | "parent-child";
  chunkSize: number;
  chunkOverlap: number;
  parentSize: number;
}

/** A document row as GET …/documents returns it. */
export interface DocumentRow {
  id: string;
  name: string;
  kind: string | null;
  sizeBytes: number;
  status: "queued" | "parsing" | "embedding" | "ready" | "failed";
  progress: number;
  chunkCount: number;
  chunksEmbedded: number;
  tags: string[];
  error: { code: string; message: string } | null;
}

export const pendingStatuses = new Set(["queued", "parsing", "embedding"]);
