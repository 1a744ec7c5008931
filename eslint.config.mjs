import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Modules that do I/O or belong to a framework. The engine and the node modules must stay pure:
// they are loaded in the browser and tested with plain objects (see docs/architecture.md).
const ioModules = [
  { name: "next", message: "lib/engine and nodes/ import no Next.js." },
  { name: "react", message: "lib/engine and nodes/ import no React." },
  { name: "pg", message: "I/O reaches the engine and nodes through the run context." },
  { name: "fs", message: "I/O reaches the engine and nodes through the run context." },
  { name: "node:fs", message: "I/O reaches the engine and nodes through the run context." },
];
const ioPatterns = [
  { group: ["next/*", "react-dom", "react-dom/*"], message: "lib/engine and nodes/ import no Next.js or React." },
  { group: ["@/lib/db", "@/lib/db/*", "**/lib/db/**"], message: "lib/engine and nodes/ import no database code." },
  { group: ["@/lib/providers/*", "!@/lib/providers/types", "@langchain/*", "@huggingface/*", "@electric-sql/*", "drizzle-orm", "drizzle-orm/*"], message: "Model and database clients reach nodes through the run context." },
];

export default tseslint.config(
  { ignores: ["node_modules/**", ".next*/**", "data/**", "test-results/**", "drizzle/**", "public/widget.js", "next-env.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // C6: no code evaluation anywhere in the codebase.
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-restricted-imports": ["error", { paths: [{ name: "vm", message: "No vm: user code runs in the sandbox (C6/C13)." }, { name: "node:vm", message: "No vm: user code runs in the sandbox (C6/C13)." }] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["lib/engine/**/*.ts", "nodes/**/*.ts", "lib/flow/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [...ioModules, { name: "vm", message: "No vm." }, { name: "node:vm", message: "No vm." }], patterns: ioPatterns }],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Configuration reaches the engine through its options, not process.env." }],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
