const createNextIntlPlugin = require("next-intl/plugin");

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-pgvector", "@node-rs/jieba", "pg"],
  poweredByHeader: false,
  // Lets parallel builds (several worktrees' e2e runs on one machine) use separate output folders.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

module.exports = withNextIntl(nextConfig);
