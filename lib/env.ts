import "server-only";
import path from "node:path";
import { z } from "zod";

/**
 * Process configuration, validated once. Everything else reads settings from here, never from
 * process.env directly, so a bad value fails at start with a message naming the variable.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Embedded PGlite data folder (and the generated secret key), used when DATABASE_URL is unset. */
  DATA_DIR: z.string().min(1).default("./data"),
  /** postgres://… — a PostgreSQL server with pgvector. Unset: embedded PGlite in DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** 32+ characters; encrypts provider secrets. Unset: generated once into DATA_DIR/secret.key (0600). */
  TRELLIS_SECRET_KEY: z.string().min(32).optional(),
  /** Where a local Ollama answers; probed at start to choose the default provider. */
  OLLAMA_BASE_URL: z.string().url().default("http://127.0.0.1:11434"),
  /** Per-file upload limit of knowledge bases, in MB (default 50). */
  TRELLIS_MAX_UPLOAD_MB: z.coerce.number().positive().max(2048).default(50),
  /**
   * Comma-separated origins that may call the API from their pages (exact scheme://host[:port]).
   * Unset: none — the API sends no CORS headers. "*" is refused at production start (C9/C18,
   * lib/security/boot-checks.ts). Read by the cross-origin surfaces (public bots) when they land.
   */
  TRELLIS_CORS_ORIGINS: z.string().optional(),
  /**
   * The address people open the studio at (https://bots.example.com). Cookie-authenticated writes
   * must come from this origin (the CSRF check). Unset: the request's Host header.
   */
  TRELLIS_PUBLIC_URL: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//i.test(value), "must be an http:// or https:// URL")
    .optional(),
  /** "true" behind a reverse proxy that sets X-Forwarded-Host / X-Forwarded-Proto: only then are they believed. */
  TRELLIS_TRUST_PROXY: z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((value) => value === "true" || value === "1"),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse({
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL || undefined,
    TRELLIS_SECRET_KEY: process.env.TRELLIS_SECRET_KEY || undefined,
    OLLAMA_BASE_URL: process.env.OLLAMA_BASE_URL || undefined,
    DATA_DIR: process.env.DATA_DIR || undefined,
    TRELLIS_MAX_UPLOAD_MB: process.env.TRELLIS_MAX_UPLOAD_MB || undefined,
    TRELLIS_PUBLIC_URL: process.env.TRELLIS_PUBLIC_URL || undefined,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  cached = { ...parsed.data, DATA_DIR: path.resolve(parsed.data.DATA_DIR) };
  return cached;
}
