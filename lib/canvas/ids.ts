/**
 * A fresh id that is not in `taken`: the type plus a short random suffix, so ids stay readable
 * in traces ("llm-k3f9a") and pasted copies never collide with their originals.
 * @example freshId("llm", new Set(["llm-aaaaa"])) // "llm-x81kq"
 */
export function freshId(prefix: string, taken: ReadonlySet<string>): string {
  const base = prefix.replace(/[^\w-]/g, "").slice(0, 40) || "node";
  for (;;) {
    const id = `${base}-${Math.random().toString(36).slice(2, 7)}`;
    if (!taken.has(id)) return id;
  }
}
