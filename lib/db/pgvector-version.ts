/**
 * The oldest pgvector Trellis trusts (C23): 0.8.2 fixes a buffer overflow in parallel HNSW
 * builds (pgvector issue #959); 0.8.4+ also fixes HNSW vacuum corruption. Older servers still
 * work; the app says so at start and in GET /api/v1/status so the operator can upgrade.
 */
export const MIN_PGVECTOR = "0.8.2";

function parts(version: string): number[] {
  return version.split(".").map((p) => Number.parseInt(p, 10) || 0);
}

/** True when `version` (e.g. "0.8.0") is at least `min`. */
export function atLeast(version: string, min = MIN_PGVECTOR): boolean {
  const a = parts(version);
  const b = parts(min);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** The operator's warning for an old pgvector, in both languages, or null when it is recent enough. */
export function pgvectorWarning(version: string | null): string | null {
  if (!version || atLeast(version)) return null;
  return `pgvector ${version} is older than ${MIN_PGVECTOR}, which fixes a buffer overflow in parallel HNSW index builds; upgrade the extension (ALTER EXTENSION vector UPDATE after installing the new package). / pgvector ${version} 低于 ${MIN_PGVECTOR}（修复了并行构建 HNSW 索引时的缓冲区溢出），请升级该扩展。`;
}
