import { AppError } from "@/lib/errors";

/** SQLSTATE codes the queries react to (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const pgErrorCodes = {
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  checkViolation: "23514",
  queryCanceled: "57014",
} as const;

/**
 * The SQLSTATE (or Node system error code such as ECONNREFUSED) behind an error thrown by
 * drizzle, which wraps the driver's error in `DrizzleQueryError.cause`.
 * @example if (pgErrorCode(error) === pgErrorCodes.uniqueViolation) …
 */
export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const unreachableCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "57P01", "57P03"]);

function isUnreachable(error: unknown): boolean {
  const code = pgErrorCode(error);
  if (code && unreachableCodes.has(code)) return true;
  const message = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? "")}` : "";
  return /timeout exceeded when trying to connect|Connection terminated|Query read timeout/i.test(message);
}

/**
 * Turns any database failure into an AppError a person can read, in both languages, and logs
 * the driver's own message (without the query's parameters, which may hold user data) for the
 * operator. AppErrors raised on purpose inside `fn` pass through unchanged.
 * @example return dbCall("getFlowById", () => db.select().from(flows).where(eq(flows.id, id)));
 */
export async function dbCall<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toDatabaseError(operation, error);
  }
}

/** The AppError for a failed database operation; see {@link dbCall}. */
export function toDatabaseError(operation: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = pgErrorCode(error);
  const cause = (error as { cause?: unknown } | null)?.cause;
  const detail = cause instanceof Error ? cause.message : error instanceof Error ? error.message.split("\n")[0] : String(error);
  console.error(`[db] ${operation} failed${code ? ` (${code})` : ""}: ${detail}`);
  if (isUnreachable(error)) {
    return new AppError(
      "internal:database",
      {
        en: "The database is not reachable right now. Try again in a moment; if it persists, check that PostgreSQL is running.",
        zh: "暂时无法连接数据库。请稍后重试；如果问题持续，请检查 PostgreSQL 是否在运行。",
      },
      503,
      { operation },
    );
  }
  if (code === pgErrorCodes.queryCanceled) {
    return new AppError(
      "internal:database",
      { en: "The database took too long to answer and the request was stopped.", zh: "数据库响应超时，请求已被终止。" },
      504,
      { operation },
    );
  }
  return new AppError(
    "internal:database",
    { en: "The database could not complete the request.", zh: "数据库无法完成该请求。" },
    500,
    { operation },
  );
}
