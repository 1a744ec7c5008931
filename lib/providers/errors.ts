import { AppError } from "@/lib/errors";
import type { Localized } from "@/lib/i18n/locale";
import type { ProviderErrorCode } from "./types";
import type { ProviderKind } from "@/lib/provider-config";

const statusOf: Record<ProviderErrorCode, number> = {
  PROVIDER_UNREACHABLE: 502,
  PROVIDER_TIMEOUT: 504,
  MODEL_NOT_FOUND: 404,
  // The model server refused *our* credentials: not the caller's fault, so not a 401 to them.
  PROVIDER_AUTH: 502,
  PROVIDER_ERROR: 502,
  PROVIDER_STREAM_BROKEN: 502,
  // The same code and status as the save-time check (lib/security/provider-url.ts): the URL is refused.
  PROVIDER_URL_BLOCKED: 400,
  CANCELLED: 499,
};

/**
 * A failure talking to a model server, with a code clients branch on and a message in both
 * languages that tells the person what to do (start Ollama, pull the model, fix the key).
 * `partial` keeps the text a stream produced before it broke, so the UI can still show it.
 * @example
 * throw new ProviderError("MODEL_NOT_FOUND", { en: "Run: ollama pull qwen2.5", zh: "请运行：ollama pull qwen2.5" });
 */
export class ProviderError extends AppError {
  declare readonly code: ProviderErrorCode;
  readonly partial?: string;

  constructor(code: ProviderErrorCode, message: Localized, options: { partial?: string; cause?: unknown; details?: unknown } = {}) {
    super(code, message, statusOf[code], options.details);
    this.name = "ProviderError";
    if (options.partial) this.partial = options.partial;
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

/** What an error message needs to say where things went wrong. */
export interface ErrorContext {
  kind: ProviderKind;
  baseUrl: string;
  model?: string;
  timeoutMs: number;
}

/** Builders for every message, so wording stays consistent between providers. */
export const providerMessages = {
  unreachable(ctx: ErrorContext): Localized {
    if (ctx.kind === "ollama") {
      return {
        en: `Cannot reach the model server at ${ctx.baseUrl}. Is Ollama running? Start it with \`ollama serve\` (or install it from https://ollama.com).`,
        zh: `无法连接到模型服务器 ${ctx.baseUrl}。Ollama 是否已运行？请用 \`ollama serve\` 启动（或从 https://ollama.com 安装）。`,
      };
    }
    return {
      en: `Cannot reach the model server at ${ctx.baseUrl}. Check that it is running and that the address is right.`,
      zh: `无法连接到模型服务器 ${ctx.baseUrl}。请确认服务器已运行且地址正确。`,
    };
  },
  timeout(ctx: ErrorContext, phase: "first-byte" | "idle"): Localized {
    const s = Math.round(ctx.timeoutMs / 100) / 10;
    return phase === "idle"
      ? { en: `The model server at ${ctx.baseUrl} stopped sending the answer for ${s} s.`, zh: `模型服务器 ${ctx.baseUrl} 已有 ${s} 秒未继续发送回答。` }
      : { en: `The model server at ${ctx.baseUrl} did not answer within ${s} s.`, zh: `模型服务器 ${ctx.baseUrl} 在 ${s} 秒内没有响应。` };
  },
  modelNotFound(ctx: ErrorContext, model: string): Localized {
    if (ctx.kind === "ollama") {
      return {
        en: `Model "${model}" is not installed in Ollama at ${ctx.baseUrl}. Download it with: ollama pull ${model}`,
        zh: `Ollama（${ctx.baseUrl}）中没有模型 "${model}"。请运行以下命令下载：ollama pull ${model}`,
      };
    }
    return {
      en: `The model server at ${ctx.baseUrl} has no model "${model}". Pick one of the models it lists.`,
      zh: `模型服务器 ${ctx.baseUrl} 上没有模型 "${model}"。请从它列出的模型中选择。`,
    };
  },
  auth(ctx: ErrorContext, status: number): Localized {
    return {
      en: `The model server at ${ctx.baseUrl} refused the API key (HTTP ${status}). Check the key or token in the provider settings.`,
      zh: `模型服务器 ${ctx.baseUrl} 拒绝了 API 密钥（HTTP ${status}）。请检查模型服务设置中的密钥或令牌。`,
    };
  },
  http(ctx: ErrorContext, status: number, detail: string): Localized {
    const tail = detail ? `: ${detail}` : ".";
    const zhTail = detail ? `：${detail}` : "。";
    return {
      en: `The model server at ${ctx.baseUrl} answered with an error (HTTP ${status})${tail}`,
      zh: `模型服务器 ${ctx.baseUrl} 返回错误（HTTP ${status}）${zhTail}`,
    };
  },
  wrongPath(ctx: ErrorContext, status: number): Localized {
    return {
      en: `The server at ${ctx.baseUrl} does not serve this API (HTTP ${status}). Check the base URL (OpenAI-compatible servers usually end in /v1).`,
      zh: `服务器 ${ctx.baseUrl} 不提供此接口（HTTP ${status}）。请检查基础地址（OpenAI 兼容服务器通常以 /v1 结尾）。`,
    };
  },
  streamBroken(ctx: ErrorContext, detail: string): Localized {
    const tail = detail ? ` (${detail})` : "";
    return {
      en: `The connection to the model server at ${ctx.baseUrl} broke while the answer was streaming${tail}. The text so far is kept.`,
      zh: `回答流式传输过程中与模型服务器 ${ctx.baseUrl} 的连接中断${tail}。已保留目前收到的文字。`,
    };
  },
  failed(ctx: ErrorContext, detail: string): Localized {
    return { en: `The model server at ${ctx.baseUrl} failed: ${detail}`, zh: `模型服务器 ${ctx.baseUrl} 出错：${detail}` };
  },
  cancelled(): Localized {
    return { en: "The model request was cancelled.", zh: "模型请求已取消。" };
  },
};
