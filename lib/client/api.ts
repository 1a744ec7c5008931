/**
 * A browser call to the JSON API: the parsed body out, or the API's error (its message is already
 * in the person's language, so forms show it as is). Never throws; a network failure is status 0.
 * @example const res = await callApi<{ members: Member[] }>("/api/v1/members");
 */
export async function callApi<T>(
  url: string,
  init: { method?: string; json?: unknown } = {},
): Promise<{ ok: boolean; status: number; data: T | null; error: string | null; code: string | null }> {
  try {
    const res = await fetch(url, {
      method: init.method ?? (init.json !== undefined ? "POST" : "GET"),
      headers: init.json !== undefined ? { "Content-Type": "application/json" } : undefined,
      body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
    });
    const body = res.status === 204 ? null : await res.json().catch(() => null);
    const problem = res.ok ? null : (body as { error?: { code?: string; message?: string } } | null)?.error;
    return {
      ok: res.ok,
      status: res.status,
      data: res.ok ? (body as T) : null,
      error: res.ok ? null : (problem?.message ?? `HTTP ${res.status}`),
      code: problem?.code ?? null,
    };
  } catch (e) {
    return { ok: false, status: 0, data: null, error: e instanceof Error ? e.message : String(e), code: null };
  }
}
