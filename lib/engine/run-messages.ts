import type { Locale, Localized } from "@/lib/i18n/locale";
import { formatMessage } from "@/lib/flow/messages";

/** What a person reads when a run stops early; every node is named by its canvas label. */
export const runMessages = {
  invalidFlow: {
    en: "The flow has problems and cannot run: {problems}",
    zh: "流程存在问题，无法运行：{problems}",
  },
  nodeFailed: { en: '"{node}" failed: {detail}', zh: "“{node}”运行失败：{detail}" },
  nodeTimeout: {
    en: '"{node}" took longer than {duration} and was stopped.',
    zh: "“{node}”运行超过 {duration}，已被停止。",
  },
  badOutputs: { en: "it returned no outputs", zh: "节点没有返回任何输出" },
  cancelled: { en: "The run was cancelled.", zh: "运行已取消。" },
  maxSteps: {
    en: "The run was stopped after {n} node runs, the most one run may do (limit: maxSteps).",
    zh: "运行已执行 {n} 个节点，达到单次运行的上限（限制：maxSteps），已被停止。",
  },
  maxRunMs: {
    en: "The run took longer than {duration}, the most one run may take (limit: maxRunMs), and was stopped.",
    zh: "运行时间超过 {duration}，达到单次运行的上限（限制：maxRunMs），已被停止。",
  },
  noAnswer: {
    en: "The flow ended without reaching an answer node: none of the branches taken leads to one.",
    zh: "流程已结束，但没有到达任何回答节点：实际走过的分支都不通向回答节点。",
  },
  seconds: { en: "{n} s", zh: "{n} 秒" },
  millis: { en: "{n} ms", zh: "{n} 毫秒" },
} satisfies Record<string, Localized>;

/**
 * A duration as a person reads it: "300 s" / "300 秒", "50 ms" / "50 毫秒".
 * @example formatDuration(1500, "zh") // "1.5 秒"
 */
export function formatDuration(ms: number, locale: Locale): string {
  if (ms < 1000) return formatMessage(runMessages.millis, locale, { n: Math.round(ms) });
  return formatMessage(runMessages.seconds, locale, { n: Number((ms / 1000).toFixed(1)) });
}
