import { AppError } from "@/lib/errors";
import type { Localized } from "@/lib/i18n/locale";
import type { SandboxErrorCode, SandboxFailure } from "./types";

/** What the person may change, per failure; `{detail}`, `{line}`, `{limit}` are filled in. */
const messages: Record<SandboxErrorCode, Localized> = {
  SANDBOX_TIMEOUT: { en: "The code ran longer than its time limit ({limit}) and was stopped.", zh: "代码运行超过时间上限（{limit}），已被终止。" },
  SANDBOX_MEMORY: { en: "The code used more memory than its limit ({limit}) and was stopped.", zh: "代码使用的内存超过上限（{limit}），已被终止。" },
  SANDBOX_STACK: { en: "The code recursed too deeply (stack overflow) and was stopped.", zh: "代码递归层级过深（栈溢出），已被终止。" },
  SANDBOX_OUTPUT_TOO_LARGE: { en: "The code's output (returned values plus console output) is larger than {limit}.", zh: "代码的输出（返回值加控制台输出）超过 {limit}。" },
  SANDBOX_INPUT_INVALID: { en: "The inputs cannot be passed to the code: {detail}", zh: "无法把输入传给代码：{detail}" },
  SANDBOX_NO_MAIN: { en: "The code must define a function named main, e.g. function main(inputs) { return { result: inputs.text } }.", zh: "代码必须定义名为 main 的函数，例如 function main(inputs) { return { result: inputs.text } }。" },
  SANDBOX_BAD_RESULT: { en: "The code's result is unusable: {detail}", zh: "代码的返回结果无法使用：{detail}" },
  SANDBOX_CODE_ERROR: { en: "The code failed{at}: {detail}", zh: "代码出错{at}：{detail}" },
  SANDBOX_CANCELLED: { en: "The code run was cancelled.", zh: "代码运行已取消。" },
  SANDBOX_BUSY: { en: "Too many code runs are waiting; try again shortly.", zh: "等待运行的代码过多，请稍后再试。" },
  SANDBOX_CRASHED: { en: "The code sandbox stopped unexpectedly ({detail}); the run was abandoned.", zh: "代码沙箱意外停止（{detail}），本次运行已放弃。" },
  SANDBOX_UNAVAILABLE: { en: "The code sandbox could not start: {detail}", zh: "代码沙箱无法启动：{detail}" },
};

/** SANDBOX_BAD_RESULT, by reason. */
const badResult: Record<NonNullable<SandboxFailure["reason"]>, Localized> = {
  "not-object": { en: "main must return an object such as { result: … }, not {detail}.", zh: "main 必须返回一个对象，例如 { result: … }，而不是 {detail}。" },
  "not-json": { en: "the returned object cannot be written as JSON ({detail}).", zh: "返回的对象无法转换为 JSON（{detail}）。" },
  "never-settles": { en: "main returned a promise that never settles.", zh: "main 返回的 Promise 永远不会完成。" },
};

const status: Partial<Record<SandboxErrorCode, number>> = { SANDBOX_BUSY: 503, SANDBOX_UNAVAILABLE: 503, SANDBOX_CRASHED: 500, SANDBOX_CANCELLED: 499 };

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} B`;
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/**
 * Turns a worker's failure into the AppError a person reads, in both languages. The user's
 * own error message and line are kept verbatim (they are what the person needs to fix).
 * @example sandboxError({ code: "SANDBOX_CODE_ERROR", detail: "TypeError: x is undefined", line: 3 }).messageIn("zh") // "代码出错（第 3 行）：TypeError: x is undefined"
 */
export function sandboxError(failure: SandboxFailure, limits: { timeoutMs?: number; memoryBytes?: number; maxOutputBytes?: number } = {}): AppError {
  const code = failure.code;
  const limitFor = (locale: "en" | "zh") => {
    if (code === "SANDBOX_TIMEOUT" && limits.timeoutMs !== undefined) return locale === "en" ? `${limits.timeoutMs / 1000} s` : `${limits.timeoutMs / 1000} 秒`;
    if (code === "SANDBOX_MEMORY" && limits.memoryBytes !== undefined) return formatBytes(limits.memoryBytes);
    if (code === "SANDBOX_OUTPUT_TOO_LARGE" && limits.maxOutputBytes !== undefined) return formatBytes(limits.maxOutputBytes);
    return locale === "en" ? "the limit" : "上限";
  };
  const raw = failure.detail ?? "";
  const reason = code === "SANDBOX_BAD_RESULT" && failure.reason ? badResult[failure.reason] : undefined;
  const detailIn = (locale: "en" | "zh") => (reason ? fill(reason[locale], { detail: raw }) : raw);
  const localized: Localized = {
    en: fill(messages[code].en, { detail: detailIn("en"), limit: limitFor("en"), at: failure.line ? ` at line ${failure.line}` : "" }),
    zh: fill(messages[code].zh, { detail: detailIn("zh"), limit: limitFor("zh"), at: failure.line ? `（第 ${failure.line} 行）` : "" }),
  };
  const details = failure.line === undefined && failure.detail === undefined ? undefined : { line: failure.line, detail: failure.detail };
  return new AppError(code, localized, status[code] ?? 422, details);
}
