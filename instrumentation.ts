/**
 * Next.js start-up hook: `register()` runs once when a server instance starts, before it takes
 * requests. Production start refuses insecure defaults here (C18, lib/security/boot-checks.ts),
 * so a misconfigured server never listens at all; then unfinished ingestion resumes and the code
 * sandbox's host process starts.
 * @example NODE_ENV=production TRELLIS_SECRET_KEY=changeme npm start // exits 1, naming TRELLIS_SECRET_KEY
 */
export async function register(): Promise<void> {
  // The checks read process.env and may exit the process: Node.js runtime only, never Edge.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { enforceBootChecks } = await import("./lib/security/boot-checks");
  enforceBootChecks();
  // Resume ingestion left unfinished by a previous process (killed, restarted) right away,
  // rather than on the first request that touches a knowledge base.
  const { startBackgroundWork } = await import("./lib/server/knowledge");
  void startBackgroundWork().catch((error: unknown) => console.error("[trellis] ingestion worker did not start", error));
  // Start the code sandbox's host process now (≈ 150 ms of CPU), so the first code node a person
  // runs does not wait for it. TRELLIS_SANDBOX_WARM=false leaves it to the first run.
  if (process.env.TRELLIS_SANDBOX_WARM !== "false") {
    const { sharedSandbox } = await import("./lib/sandbox");
    void sharedSandbox().warm().catch((error: unknown) => console.error("[trellis] code sandbox did not start", error));
  }
}
