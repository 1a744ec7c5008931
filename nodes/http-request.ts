import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { GuardedRequest } from "./context";
import { defineNode } from "./define";
import type { PortMap, SettingPath } from "./define";
import { port } from "./ports";
import { renderTemplate, templateVariables } from "./template-text";

const MiB = 1024 * 1024;
const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const satisfies readonly GuardedRequest["method"][];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Headers the transport owns; letting a flow set them would allow request smuggling. */
const managedHeaders = new Set(["host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive"]);

/**
 * Header names whose values are credentials: Authorization, Proxy-Authorization, Cookie,
 * X-Api-Key, Api-Key, X-Auth-Token, X-Goog-Api-Key, X-Client-Secret… A false positive costs only
 * a value shown masked; a false negative shows a credential to every member.
 */
const SENSITIVE_HEADER = /key|token|secret|passw|auth|cookie|session|credential|signature/i;

/**
 * Whether an HTTP header's value is kept as a secret (encrypted, masked, write-only).
 * @example isSensitiveHeader("X-Api-Key") // true
 * @example isSensitiveHeader("Accept") // false
 */
export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

/**
 * Why a URL template is unusable before any value is filled in: a literal scheme other
 * than http(s) (file:, gopher:…), or a literal URL that does not parse.
 */
function urlTemplateProblem(url: string): string | undefined {
  const firstVariable = url.indexOf("{{");
  if (firstVariable < 0) {
    let parsed: URL;
    try {
      parsed = new URL(url.trim());
    } catch {
      return "Not a valid URL / 不是有效的网址";
    }
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? undefined : `Only http and https URLs are allowed, not ${parsed.protocol} / 只允许 http 和 https 网址，不支持 ${parsed.protocol}`;
  }
  const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(url.slice(0, firstVariable))?.[1]?.toLowerCase();
  if (scheme && scheme !== "http" && scheme !== "https") return `Only http and https URLs are allowed, not ${scheme}: / 只允许 http 和 https 网址，不支持 ${scheme}:`;
  return undefined;
}

const config = z.object({
  method: z.enum(methods).default("GET").meta({ label: { en: "Method", zh: "请求方法" } }),
  url: z
    .string()
    .trim()
    .min(1)
    .max(4000)
    .superRefine((url, issue) => {
      const problem = urlTemplateProblem(url);
      if (problem) issue.addIssue({ code: "custom", message: problem });
    })
    .meta({
      label: { en: "URL", zh: "网址" },
      help: { en: "http(s) only; {{name}} values are URL-encoded (except a variable that starts the URL)", zh: "仅支持 http(s)；{{名称}} 的值会做 URL 编码（位于网址开头的变量除外）" },
    }),
  headers: z
    .array(
      z.object({
        name: z
          .string()
          .regex(HEADER_NAME, "Not a valid header name / 不是有效的请求头名称")
          .refine((name) => !managedHeaders.has(name.toLowerCase()), "This header is set automatically / 该请求头由系统自动设置")
          .meta({ label: { en: "Header", zh: "请求头" } }),
        value: z.string().max(8000).meta({ label: { en: "Value", zh: "值" }, help: { en: "May contain {{name}}", zh: "可包含 {{名称}}" } }),
      }),
    )
    .max(50)
    .default([])
    .meta({ label: { en: "Headers", zh: "请求头" } }),
  bodyFormat: z
    .enum(["text", "json"])
    .default("text")
    .meta({
      label: { en: "Body format", zh: "请求体格式" },
      options: { text: { en: "Text (values inserted as is)", zh: "文本（原样插入）" }, json: { en: "JSON (values escaped as JSON strings)", zh: "JSON（值按 JSON 字符串转义）" } },
    }),
  body: z.string().max(MiB).default("").meta({ label: { en: "Body", zh: "请求体" }, help: { en: "Sent for methods other than GET; may contain {{name}}", zh: "GET 以外的方法会发送；可包含 {{名称}}" }, widget: "textarea" }),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000).meta({ label: { en: "Timeout (ms)", zh: "超时（毫秒）" } }),
  maxBytes: z.number().int().min(1).max(MiB).default(MiB).meta({ label: { en: "Max response size (bytes)", zh: "响应大小上限（字节）" } }),
});

type Settings = z.output<typeof config>;

function variablesOf(settings: Settings): string[] {
  const texts = [settings.url, ...settings.headers.map((header) => header.value), settings.body];
  return [...new Set(texts.flatMap(templateVariables))];
}

/** A variable that starts the URL supplies its scheme and host, so it goes in raw; all others are encoded. */
function renderUrl(url: string, values: Record<string, unknown>): string {
  return renderTemplate(url, values, { encode: (text, _name, offset) => (offset === 0 ? text : encodeURIComponent(text)) });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/**
 * Calls an HTTP API with values from the flow, through the SSRF guard (`ctx.fetch`): private,
 * loopback and cloud-metadata addresses are refused, the response is size- and time-capped.
 * @example httpRequest.run({ config: httpRequest.config.parse({ url: "https://api.example.com/s?q={{q}}" }), inputs: { q: "天气" }, ctx }) // { status, body, json }
 */
export const httpRequest = defineNode({
  type: "http-request",
  version: 1,
  ui: {
    label: { en: "HTTP request", zh: "HTTP 请求" },
    description: { en: "Call a web API and use its response", zh: "调用网络 API 并使用其响应" },
    category: "tools",
    icon: "globe",
  },
  config,
  secretFields: (settings): SettingPath[] => {
    const headers = Array.isArray(settings.headers) ? settings.headers : [];
    return headers.flatMap((header: unknown, index): SettingPath[] => {
      const name = (header as { name?: unknown } | null)?.name;
      return typeof name === "string" && isSensitiveHeader(name) ? [["headers", index, "value"]] : [];
    });
  },
  inputs: (settings: Settings): PortMap => Object.fromEntries(variablesOf(settings).map((name) => [name, port.text({ label: { en: name, zh: name } })])),
  outputs: {
    status: port.number({ label: { en: "Status code", zh: "状态码" } }),
    body: port.text({ label: { en: "Response body", zh: "响应内容" } }),
    json: port.json({ label: { en: "JSON", zh: "JSON 数据" } }),
  },
  async run({ config: settings, inputs, ctx }) {
    const url = renderUrl(settings.url, inputs);
    try {
      new URL(url);
    } catch {
      const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
      throw new AppError("URL_INVALID", { en: `"${shown}" is not a valid URL.`, zh: `「${shown}」不是有效的网址。` }, 400);
    }
    const headers: Record<string, string> = {};
    for (const header of settings.headers) {
      const value = renderTemplate(header.value, inputs);
      if (/[\r\n\0]/.test(value)) {
        throw new AppError("HTTP_HEADER_INVALID", { en: `The value of header "${header.name}" contains a line break.`, zh: `请求头「${header.name}」的值包含换行符。` }, 400);
      }
      headers[header.name] = value;
    }
    let body: string | undefined;
    if (settings.method !== "GET" && settings.body !== "") {
      const escape = settings.bodyFormat === "json" ? (text: string) => JSON.stringify(text).slice(1, -1) : undefined;
      body = renderTemplate(settings.body, inputs, { encode: escape });
      if (!hasHeader(headers, "content-type")) headers["Content-Type"] = settings.bodyFormat === "json" ? "application/json" : "text/plain; charset=utf-8";
    }
    const response = await ctx.fetch({ url, method: settings.method, headers, body, timeoutMs: settings.timeoutMs, maxBytes: settings.maxBytes, signal: ctx.signal });
    const outputs: Record<string, unknown> = { status: response.status, body: response.body };
    if (!response.truncated && response.body.trim() !== "") {
      try {
        outputs.json = JSON.parse(response.body);
      } catch {
        // Not JSON: the json output stays absent, so nodes that need it are skipped.
      }
    }
    return outputs;
  },
});
