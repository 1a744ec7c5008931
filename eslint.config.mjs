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

// Layers and what each may not reach (docs/architecture.md, "Seams"). A rule per direction, so a
// change cannot quietly reverse one: the lower layer would then depend on the upper one.
const noVm = [
  { name: "vm", message: "No vm: user code runs in the sandbox (C6/C13)." },
  { name: "node:vm", message: "No vm: user code runs in the sandbox (C6/C13)." },
];
// `@/lib/x` and relative paths that climb into lib/x (`../x/…` from a sibling, `../../x/…` below it).
const layer = (dirs, message) => ({
  group: dirs.flatMap((d) => {
    const name = d.split("/").pop();
    return [`@/${d}`, `@/${d}/*`, `**/${d}`, `**/${d}/**`, `../${name}`, `../${name}/**`, `../../${name}`, `../../${name}/**`];
  }),
  message,
});
const layerRules = [
  {
    files: ["lib/flow/**/*.ts"],
    paths: [...ioModules, ...noVm],
    patterns: [
      ...ioPatterns,
      layer(["lib/engine", "lib/db", "lib/rag", "lib/server"], "lib/flow is the document: it knows no executor, storage, retrieval or server (the engine and the database import from it)."),
    ],
  },
  {
    files: ["lib/db/**/*.ts"],
    paths: noVm,
    patterns: [
      layer(["lib/engine", "lib/rag", "lib/server", "lib/providers"], "lib/db stores what it is given: queries take tokens, texts and vectors and compute none of them (lib/text, lib/rag and lib/server call it, not the reverse)."),
    ],
  },
  {
    files: ["lib/text/**/*.ts"],
    paths: noVm,
    patterns: [{ group: ["@/*", "../*", "../**"], message: "lib/text is the ground floor: plain text processing that imports nothing of the app." }],
  },
  {
    files: ["lib/jobs/**/*.ts"],
    paths: noVm,
    patterns: [layer(["lib/server"], "lib/jobs runs jobs; what it runs them with (which embedder, which file store, which queue) is wired in lib/server.")],
  },
  {
    files: ["widget/**/*.ts", "widget/**/*.tsx"],
    paths: noVm,
    patterns: [{ group: ["@/*", "../*", "../**"], message: "The widget is a separate bundle on other people's sites: it imports nothing of the studio." }],
  },
].map(({ files, paths, patterns }) => ({ files, rules: { "no-restricted-imports": ["error", { paths, patterns }] } }));

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
      "no-restricted-imports": ["error", { paths: noVm }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["lib/engine/**/*.ts", "nodes/**/*.ts", "lib/flow/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [...ioModules, ...noVm], patterns: ioPatterns }],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Configuration reaches the engine through its options, not process.env." }],
    },
  },
  ...layerRules,
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
