/**
 * Production start-up refuses insecure defaults (C18). A server that starts anyway with a sample
 * secret key or a `*` CORS list looks fine until someone else reads the keys or drives the API
 * from their page; refusing to start, with the variable named, is the one moment the operator is
 * certainly watching. Called from instrumentation.ts before the server takes requests.
 *
 * Reads the raw environment (not lib/env.ts): it runs in the start-up hook, before anything
 * else, and must be able to say *which* variable is wrong in terms the operator set.
 * No "server-only" import for the same reason: the hook is bundled outside the RSC layer.
 */

export interface BootProblem {
  /** The environment variable to fix. */
  variable: string;
  /** What is wrong and how to fix it, in English and Chinese (operators read either). */
  message: string;
}

export type EnvVars = Record<string, string | undefined>;

const MIN_SECRET_LENGTH = 32;

/** Values copied from examples and tutorials; compared case-insensitively with -, _ and spaces removed. */
const SAMPLE_SECRETS = [
  "changeme",
  "changemeplease",
  "pleasechangeme",
  "changethis",
  "changeit",
  "yoursecretkey",
  "yoursecretkeyhere",
  "secretkey",
  "secret",
  "mysecret",
  "mysecretkey",
  "supersecret",
  "supersecretkey",
  "trellissecretkey",
  "trellis",
  "password",
  "default",
  "example",
  "placeholder",
  "replaceme",
  "insertsecrethere",
  "test",
  "development",
  "dev",
  "abcdefghijklmnopqrstuvwxyz",
  "0123456789",
  "1234567890",
  "qwerty",
];
/** Fragments that mark a value as an example even inside a longer string ("your-secret-key-change-me-1234…"). */
const SAMPLE_FRAGMENTS = ["changeme", "changethis", "yoursecret", "replaceme", "placeholder", "example", "secretkeyhere", "xxxxxx"];
/** Database passwords from sample configurations (Dify's difyai123456, Docker's postgres…). */
const SAMPLE_DB_PASSWORDS = new Set(["postgres", "password", "changeme", "secret", "admin", "root", "trellis", "difyai123456", "123456", "12345678"]);

function squash(value: string): string {
  return value.toLowerCase().replace(/[\s_-]/g, "");
}

/** The key is a short pattern repeated ("aaaa…", "abcabc…", "12341234…") or uses very few characters. */
function isRepetitive(value: string): boolean {
  if (/^(.{1,8}?)\1+$/s.test(value)) return true;
  return new Set(value).size < 8;
}

/**
 * Why a TRELLIS_SECRET_KEY value is unfit for production, or null when it is fine.
 * @example secretKeyProblem("changeme") // "TRELLIS_SECRET_KEY is shorter than 32 characters …"
 */
export function secretKeyProblem(value: string | undefined): string | null {
  const fix = "Generate one with `openssl rand -base64 48` and set it in the environment. / 请用 `openssl rand -base64 48` 生成并设置该变量。";
  if (value === undefined || value.trim() === "") {
    return `TRELLIS_SECRET_KEY is not set; production needs an explicit secret key (it encrypts stored provider API keys). ${fix} / 生产环境必须设置 TRELLIS_SECRET_KEY（用于加密已保存的 API 密钥）。`;
  }
  const squashed = squash(value);
  if (SAMPLE_SECRETS.some((sample) => squashed === sample || squashed.replace(/\d+$/, "") === sample) || SAMPLE_FRAGMENTS.some((f) => squashed.includes(f))) {
    return `TRELLIS_SECRET_KEY is a sample value from an example or tutorial; anyone can guess it. ${fix} / TRELLIS_SECRET_KEY 是示例值，任何人都能猜到。`;
  }
  if (value.length < MIN_SECRET_LENGTH) {
    return `TRELLIS_SECRET_KEY is shorter than ${MIN_SECRET_LENGTH} characters (${value.length}). ${fix} / TRELLIS_SECRET_KEY 少于 ${MIN_SECRET_LENGTH} 个字符。`;
  }
  if (isRepetitive(value)) {
    return `TRELLIS_SECRET_KEY is made of repeated characters; it is not random. ${fix} / TRELLIS_SECRET_KEY 由重复字符组成，不是随机值。`;
  }
  return null;
}

/**
 * Why a TRELLIS_CORS_ORIGINS value is unfit for production, or null. The list is comma-separated
 * origins (https://app.example.com); `*` would let any web page call the API from a visitor's
 * browser, so it is refused rather than quietly narrowed.
 * @example corsOriginsProblem("*") // "TRELLIS_CORS_ORIGINS contains \"*\" …"
 */
export function corsOriginsProblem(value: string | undefined): string | null {
  if (value === undefined || value.trim() === "") return null;
  const origins = value.split(",").map((o) => o.trim()).filter(Boolean);
  if (origins.some((o) => o.includes("*"))) {
    return 'TRELLIS_CORS_ORIGINS contains "*": any web site could call the API from a visitor\'s browser. List the exact origins, e.g. https://app.example.com. / TRELLIS_CORS_ORIGINS 含有 "*"，任何网站都能借访客的浏览器调用 API；请列出确切的来源。';
  }
  const bad = origins.find((o) => {
    try {
      const url = new URL(o);
      return (url.protocol !== "https:" && url.protocol !== "http:") || url.origin !== o.replace(/\/$/, "");
    } catch {
      return true;
    }
  });
  if (bad !== undefined) {
    return `TRELLIS_CORS_ORIGINS has "${bad}", which is not an origin (scheme://host[:port], no path). / TRELLIS_CORS_ORIGINS 中的 "${bad}" 不是合法来源（scheme://host[:port]，不含路径）。`;
  }
  return null;
}

/**
 * Why a DATABASE_URL is unfit for production (a sample password), or null. A URL without a
 * password is fine: local socket or trust authentication is the operator's choice.
 * @example databaseUrlProblem("postgres://postgres:postgres@db/trellis") // "DATABASE_URL uses the sample password …"
 */
export function databaseUrlProblem(value: string | undefined): string | null {
  if (!value) return null;
  let password: string;
  try {
    password = decodeURIComponent(new URL(value).password);
  } catch {
    return null; // lib/env.ts reports a malformed URL with its own message.
  }
  if (password && SAMPLE_DB_PASSWORDS.has(password.toLowerCase())) {
    return `DATABASE_URL uses the sample password "${password}"; set a strong database password. / DATABASE_URL 使用了示例密码，请设置强密码。`;
  }
  return null;
}

/**
 * Why TRELLIS_PUBLIC_URL cannot name the studio's origin (the CSRF check compares with it), or
 * null. Every cookie-authenticated write would fail on a wrong one, so it is refused at start.
 * @example publicUrlProblem("bots.example.com") // "TRELLIS_PUBLIC_URL must be …"
 */
export function publicUrlProblem(value: string | undefined): string | null {
  if (!value) return null;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password) return null;
  return `TRELLIS_PUBLIC_URL must be the address people open the studio at, e.g. https://bots.example.com (got "${value}"). / TRELLIS_PUBLIC_URL 须为打开工作台的地址，例如 https://bots.example.com。`;
}

/**
 * Why TRELLIS_TRUST_PROXY is not a yes or no, or null.
 * @example trustProxyProblem("yes") // "TRELLIS_TRUST_PROXY must be true or false …"
 */
export function trustProxyProblem(value: string | undefined): string | null {
  if (value === undefined || ["", "true", "false", "1", "0"].includes(value)) return null;
  return `TRELLIS_TRUST_PROXY must be true or false (got "${value}"). / TRELLIS_TRUST_PROXY 只能为 true 或 false。`;
}

const SAMPLE_ADMIN_PASSWORDS = new Set(["admin", "administrator", "password", "changeme", "trellis", "123456", "12345678", "123456789", "1234567890", "qwerty", "letmein", "welcome", "secret", "passw0rd", "admin123", "password1", "password123"]);
const MIN_ADMIN_PASSWORD = 12;

/**
 * Why TRELLIS_ADMIN_EMAIL / TRELLIS_ADMIN_PASSWORD (the owner created at first start) are unfit
 * for production, or null. Both or neither; the password long and not a sample.
 * @example adminAccountProblem("owner@example.com", "admin") // "TRELLIS_ADMIN_PASSWORD is a sample password …"
 */
export function adminAccountProblem(email: string | undefined, password: string | undefined): string | null {
  const hasEmail = Boolean(email?.trim());
  const hasPassword = Boolean(password);
  if (!hasEmail && !hasPassword) return null;
  if (hasEmail !== hasPassword) {
    return "TRELLIS_ADMIN_EMAIL and TRELLIS_ADMIN_PASSWORD go together: set both, or neither and create the owner at /setup. / TRELLIS_ADMIN_EMAIL 与 TRELLIS_ADMIN_PASSWORD 必须同时设置，或都不设置并在 /setup 创建所有者。";
  }
  const value = password as string;
  if (SAMPLE_ADMIN_PASSWORDS.has(squash(value)) || SAMPLE_FRAGMENTS.some((f) => squash(value).includes(f))) {
    return "TRELLIS_ADMIN_PASSWORD is a sample password anyone can guess; choose a long random one. / TRELLIS_ADMIN_PASSWORD 是示例密码，任何人都能猜到，请使用足够长的随机密码。";
  }
  if (value.length < MIN_ADMIN_PASSWORD || isRepetitive(value)) {
    return `TRELLIS_ADMIN_PASSWORD must be at least ${MIN_ADMIN_PASSWORD} characters and not repetitive. / TRELLIS_ADMIN_PASSWORD 至少 ${MIN_ADMIN_PASSWORD} 个字符且不能由重复字符组成。`;
  }
  return null;
}

/**
 * Every reason the configuration is unfit for production; empty when it is fine or when not in
 * production (development and tests keep their conveniences, e.g. the generated key file).
 * @example productionConfigProblems({ NODE_ENV: "production", TRELLIS_CORS_ORIGINS: "*" }) // [{ variable: "TRELLIS_SECRET_KEY", … }, { variable: "TRELLIS_CORS_ORIGINS", … }]
 */
export function productionConfigProblems(vars: EnvVars): BootProblem[] {
  if (vars.NODE_ENV !== "production") return [];
  const checks: [string, string | null][] = [
    ["TRELLIS_SECRET_KEY", secretKeyProblem(vars.TRELLIS_SECRET_KEY)],
    ["TRELLIS_CORS_ORIGINS", corsOriginsProblem(vars.TRELLIS_CORS_ORIGINS)],
    ["DATABASE_URL", databaseUrlProblem(vars.DATABASE_URL)],
    ["TRELLIS_PUBLIC_URL", publicUrlProblem(vars.TRELLIS_PUBLIC_URL)],
    ["TRELLIS_TRUST_PROXY", trustProxyProblem(vars.TRELLIS_TRUST_PROXY)],
    ["TRELLIS_ADMIN_PASSWORD", adminAccountProblem(vars.TRELLIS_ADMIN_EMAIL, vars.TRELLIS_ADMIN_PASSWORD)],
  ];
  return checks.filter((c): c is [string, string] => c[1] !== null).map(([variable, message]) => ({ variable, message }));
}

/**
 * Stops the process (exit code 1) with one line per problem when production start-up would use
 * an insecure default. Skipped while `next build` runs (it loads the server code too, with
 * NODE_ENV=production, but serves nothing and holds no secrets).
 * @example enforceBootChecks(); // in instrumentation.ts register()
 */
export function enforceBootChecks(vars: EnvVars = process.env, exit: (code: number) => void = (code) => process.exit(code), log: (line: string) => void = (line) => console.error(line)): BootProblem[] {
  if (vars.NEXT_PHASE === "phase-production-build") return [];
  const problems = productionConfigProblems(vars);
  if (problems.length === 0) return problems;
  for (const problem of problems) log(`[trellis] refusing to start: ${problem.message}`);
  exit(1);
  return problems;
}
