import type { Locale, Localized } from "@/lib/i18n/locale";

/**
 * An error a person may read. `code` is stable (clients branch on it); `message` exists in
 * both languages so the API answers in the caller's language.
 * @example throw new AppError("not_found", { en: "Flow not found", zh: "找不到该流程" }, 404)
 */
export class AppError extends Error {
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
