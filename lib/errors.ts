import type { Locale, Localized } from "@/lib/i18n/locale";

/**
 * An error a person may read. `code` is stable (clients branch on it); `message` exists in
 * both languages so the API answers in the caller's language.
 * @example throw new AppError("not_found", { en: "Flow not found", zh: "找不到该流程" }, 404)
 */
/**
 * Marks AppErrors so they are recognised across module copies: a Next.js build can load this
 * file once per bundle (instrumentation and routes), and an error made by one copy (say, by the
 * code sandbox started at boot) must still be an AppError to the other.
 */
const APP_ERROR = Symbol.for("trellis.AppError");

export class AppError extends Error {
  /** `instanceof AppError` holds for AppErrors of any copy of this module; subclasses check normally. */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== AppError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[APP_ERROR] === true;
  }

  readonly [APP_ERROR] = true;
  readonly code: string;
  readonly status: number;
  readonly localized: Localized;
  readonly details?: unknown;

  constructor(code: string, message: Localized | string, status = 500, details?: unknown) {
    const localized = typeof message === "string" ? { en: message, zh: message } : message;
    super(localized.en);
    this.name = "AppError";
    this.code = code;
    this.status = status;
    this.localized = localized;
    this.details = details;
  }

  messageIn(locale: Locale): string {
    return this.localized[locale];
  }

  /** The API's error shape: `{ error: { code, message, details? } }`. */
  toJSON(locale: Locale = "en") {
    return { error: { code: this.code, message: this.messageIn(locale), ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The message of any thrown value, for traces and logs. */
export function errorMessage(error: unknown, locale: Locale = "en"): string {
  if (error instanceof AppError) return error.messageIn(locale);
  if (error instanceof Error) return error.message;
  return String(error);
}
