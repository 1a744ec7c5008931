import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../../..");
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

export interface BuiltRoute {
  /** The URL pattern, route groups removed: "/api/v1/flows/[flowId]". */
  pattern: string;
  kind: "api" | "page";
  /** The HTTP methods an API route exports (pages: GET). */
  methods: string[];
  /** An API route's source text ("" for pages). */
  source: string;
}

/**
 * Every page and route handler of the production build, from Next.js's own manifest (in
 * NEXT_DIST_DIR, default .next), so route tests cover whatever the build contains. Build
 * internals and the app icon (a static file, no data) are left out.
 */
export function builtRoutes(): BuiltRoute[] {
  const distDir = path.join(root, process.env.NEXT_DIST_DIR || ".next");
  const manifest = JSON.parse(readFileSync(path.join(distDir, "server/app-paths-manifest.json"), "utf8")) as Record<string, string>;
  const routes: BuiltRoute[] = [];
  for (const entry of Object.keys(manifest)) {
    const kind = entry.endsWith("/route") ? "api" : entry.endsWith("/page") ? "page" : null;
    if (!kind) continue;
    const pattern = entry.replace(/\/(route|page)$/, "").replace(/\/\([^)]+\)/g, "") || "/";
    if (pattern.startsWith("/_") || pattern === "/favicon.ico" || pattern === "/icon.svg") continue;
    const source = kind === "api" ? readFileSync(path.join(root, "app", `${entry}.ts`), "utf8") : "";
    const methods = kind === "api" ? METHODS.filter((m) => new RegExp(`export const ${m}\\b`).test(source)) : ["GET"];
    routes.push({ pattern, kind, methods, source });
  }
  return routes;
}
