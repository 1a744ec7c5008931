import type { Locale, Localized } from "@/lib/i18n/locale";
import type { PortKind } from "@/nodes/ports";

/**
 * Every sentence the flow validator shows a person, in both languages. Placeholders are
 * `{name}`; node, port and setting names arrive already resolved to their labels, so the
 * words stay those the person sees on the canvas.
 */
export const flowMessages = {
  invalidDocument: {
    en: "The flow could not be read: {detail}",
    zh: "无法读取该流程：{detail}",
  },
  noFormatMark: {
    en: "This file lacks the mark every Trellis flow file carries; it was probably not exported from Trellis.",
    zh: "该文件缺少 Trellis 流程文件都带有的格式标记，可能不是从 Trellis 导出的。",
  },
  otherFormat: {
    en: "This flow file was made by a different version of Trellis (file format {version}) and cannot be read by this one.",
    zh: "该流程文件来自不兼容的 Trellis 版本（文件格式 {version}），当前版本无法读取。",
  },
  notAFlow: {
    en: "The file is not a Trellis flow.",
    zh: "这不是 Trellis 流程文件。",
  },
  duplicateNodeId: {
    en: 'Two nodes share the id "{id}" ("{node}" is the second). Delete one of them or import the flow again.',
    zh: "有多个节点使用同一个编号“{id}”（“{node}”是重复的那个）。请删除其中一个，或重新导入流程。",
  },
  unknownNodeType: {
    en: 'The node "{node}" is of type "{type}", which this version of Trellis does not know. Delete or replace it.',
    zh: "节点“{node}”的类型“{type}”在当前版本中不存在，请删除或替换它。",
  },
  unknownNodeTypeUnnamed: {
    en: 'A node is of type "{type}", which this version of Trellis does not know. Delete or replace it.',
    zh: "有一个节点的类型“{type}”在当前版本中不存在，请删除或替换它。",
  },
  edgeSourceMissing: {
    en: 'A connection starts at a node that no longer exists ("{id}"). Delete that connection.',
    zh: "有一条连线的起点节点（“{id}”）已不存在，请删除这条连线。",
  },
  edgeTargetMissing: {
    en: 'A connection ends at a node that no longer exists ("{id}"). Delete that connection.',
    zh: "有一条连线的终点节点（“{id}”）已不存在，请删除这条连线。",
  },
  missingOutputPort: {
    en: '"{node}" has no output called "{port}" (its settings may have changed). Reconnect or delete that connection.',
    zh: "“{node}”没有名为“{port}”的输出（可能是设置改过了），请重新连线或删除这条连线。",
  },
  missingInputPort: {
    en: '"{node}" has no input called "{port}" (its settings may have changed). Reconnect or delete that connection.',
    zh: "“{node}”没有名为“{port}”的输入（可能是设置改过了），请重新连线或删除这条连线。",
  },
  portKindMismatch: {
    en: 'The output "{fromPort}" of "{from}" gives {fromKind}, but the input "{port}" of "{node}" needs {toKind}. They cannot be connected.',
    zh: "“{from}”的输出“{fromPort}”是{fromKind}，而“{node}”的输入“{port}”需要{toKind}，两者不能相连。",
  },
  multipleInputEdges: {
    en: 'The input "{port}" of "{node}" has {count} connections, but it takes only one. Remove the extra ones.',
    zh: "“{node}”的输入“{port}”连了 {count} 条线，但只能接一条，请删掉多余的连线。",
  },
  cycle: {
    en: "These nodes form a loop: {nodes}. A flow cannot feed back into itself; remove one of these connections.",
    zh: "这些节点形成了循环：{nodes}。流程不能回到自身，请删掉其中一条连线。",
  },
  invalidSetting: { en: '"{node}": {detail}', zh: "“{node}”：{detail}" },
  requiredInputMissing: {
    en: 'The input "{port}" of "{node}" must be connected.',
    zh: "“{node}”的输入“{port}”必须连线。",
  },
  noStart: {
    en: "The flow has no start node. Add one: it receives the person's message.",
    zh: "流程中没有开始节点。请添加一个，它负责接收用户发来的消息。",
  },
  multipleStarts: {
    en: 'The flow has more than one start node ("{node}" is an extra one). Keep only one.',
    zh: "流程中有多个开始节点（“{node}”是多出来的），只能保留一个。",
  },
  noAnswer: {
    en: "The flow has no answer node, so it can never reply. Add one at the end.",
    zh: "流程中没有回答节点，因此无法给出回复。请在末尾添加一个。",
  },
  answerUnreachable: {
    en: '"{node}" can never be reached from the start node. Connect it to the rest of the flow.',
    zh: "从开始节点永远到不了“{node}”，请把它连接到流程中。",
  },
  portsFailed: {
    en: '"{node}" could not work out its inputs and outputs from its settings: {detail}',
    zh: "“{node}”无法根据设置确定它的输入和输出：{detail}",
  },
  sameNameNode: { en: "{name} ({id})", zh: "{name}（{id}）" },
  internal: {
    en: "The flow could not be checked: {detail}",
    zh: "无法检查该流程：{detail}",
  },
} satisfies Record<string, Localized>;

/** Wording for one zod issue; `{field}` is the setting's label. */
export const settingMessages = {
  required: { en: '"{field}" is required.', zh: "请填写“{field}”。" },
  wrongType: { en: '"{field}" should be {expected}.', zh: "“{field}”应为{expected}。" },
  empty: { en: '"{field}" cannot be empty.', zh: "“{field}”不能为空。" },
  tooShort: { en: '"{field}" needs at least {n} characters.', zh: "“{field}”至少需要 {n} 个字符。" },
  tooLong: { en: '"{field}" can have at most {n} characters.', zh: "“{field}”最多只能有 {n} 个字符。" },
  tooSmall: { en: '"{field}" must be at least {n}.', zh: "“{field}”不能小于 {n}。" },
  tooSmallExclusive: { en: '"{field}" must be greater than {n}.', zh: "“{field}”必须大于 {n}。" },
  tooBig: { en: '"{field}" must be at most {n}.', zh: "“{field}”不能大于 {n}。" },
  tooBigExclusive: { en: '"{field}" must be less than {n}.', zh: "“{field}”必须小于 {n}。" },
  tooFewItems: { en: '"{field}" needs at least {n} item(s).', zh: "“{field}”至少需要 {n} 项。" },
  tooManyItems: { en: '"{field}" can have at most {n} item(s).', zh: "“{field}”最多只能有 {n} 项。" },
  badFormat: { en: '"{field}" is not a valid {format}.', zh: "“{field}”不是有效的{format}。" },
  badPattern: { en: '"{field}" is not in the expected format.', zh: "“{field}”的格式不正确。" },
  notOneOf: { en: '"{field}" must be one of: {values}.', zh: "“{field}”只能是以下之一：{values}。" },
  notMultipleOf: { en: '"{field}" must be a multiple of {n}.', zh: "“{field}”必须是 {n} 的倍数。" },
  unknownKeys: { en: "Unknown setting(s): {keys}.", zh: "未知的设置项：{keys}。" },
  custom: { en: '"{field}": {detail}', zh: "“{field}”：{detail}" },
  invalid: { en: '"{field}" has a value that is not allowed.', zh: "“{field}”的值不符合要求。" },
  wholeSettings: { en: "the settings", zh: "设置" },
  wholeFlow: { en: "the flow", zh: "流程" },
} satisfies Record<string, Localized>;

/** What each port kind carries, in words (used in "cannot be connected" messages). */
export const kindNames: Record<PortKind, Localized> = {
  text: { en: "text", zh: "文本" },
  number: { en: "a number", zh: "数字" },
  boolean: { en: "a yes/no value", zh: "是/否值" },
  json: { en: "structured data (JSON)", zh: "结构化数据（JSON）" },
  messages: { en: "chat messages", zh: "对话消息" },
  documents: { en: "document passages", zh: "文档分段" },
  any: { en: "any value", zh: "任意数据" },
};

const expectedNames: Record<string, Localized> = {
  string: { en: "text", zh: "文本" },
  number: { en: "a number", zh: "数字" },
  int: { en: "a whole number", zh: "整数" },
  boolean: { en: "on or off", zh: "开或关" },
  array: { en: "a list", zh: "列表" },
  object: { en: "a group of settings", zh: "一组设置" },
  record: { en: "a group of settings", zh: "一组设置" },
  date: { en: "a date", zh: "日期" },
};

const formatNames: Record<string, Localized> = {
  url: { en: "web address", zh: "网址" },
  email: { en: "email address", zh: "邮箱地址" },
  uuid: { en: "ID", zh: "编号" },
  datetime: { en: "date and time", zh: "日期时间" },
  date: { en: "date", zh: "日期" },
  json_string: { en: "JSON text", zh: "JSON 文本" },
  ipv4: { en: "IPv4 address", zh: "IPv4 地址" },
  ipv6: { en: "IPv6 address", zh: "IPv6 地址" },
};

/**
 * Fills a template's placeholders in the chosen language. Unknown placeholders stay visible
 * rather than vanish, so a missing variable is noticed in review.
 * @example formatMessage(flowMessages.noAnswer, "zh") // "流程中没有回答节点…"
 */
export function formatMessage(template: Localized, locale: Locale, vars: Record<string, string | number> = {}): string {
  return template[locale].replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

/** Joins a list the way each language does ("a, b" / "a、b"). */
export function joinList(items: readonly string[], locale: Locale): string {
  return items.join(locale === "zh" ? "、" : ", ");
}

/** The subset of a zod 4 issue the renderer reads; kept structural so any zod issue fits. */
export interface IssueLike {
  code?: string;
  path: readonly PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  values?: readonly unknown[];
  divisor?: number;
  keys?: readonly string[];
  params?: Record<string, unknown>;
}

function isLocalized(value: unknown): value is Localized {
  return typeof value === "object" && value !== null && typeof (value as Localized).en === "string" && typeof (value as Localized).zh === "string";
}

function sizeMessage(issue: IssueLike, small: boolean): { t: Localized; n: string } {
  const n = String(small ? issue.minimum : issue.maximum);
  if (issue.origin === "string") {
    if (small && n === "1") return { t: settingMessages.empty, n };
    return { t: small ? settingMessages.tooShort : settingMessages.tooLong, n };
  }
  if (issue.origin === "array" || issue.origin === "set") {
    if (small && n === "1") return { t: settingMessages.empty, n };
    return { t: small ? settingMessages.tooFewItems : settingMessages.tooManyItems, n };
  }
  const exclusive = issue.inclusive === false;
  if (small) return { t: exclusive ? settingMessages.tooSmallExclusive : settingMessages.tooSmall, n };
  return { t: exclusive ? settingMessages.tooBigExclusive : settingMessages.tooBig, n };
}

/**
 * Turns one zod issue into a sentence a non-programmer understands, in the person's language —
 * zod's own messages ("Too small: expected number to be >=1") are English and technical.
 * @example describeIssue({ code: "too_small", origin: "number", minimum: 1, inclusive: true, path: ["topK"], message: "" }, "topK", "zh")
 * // "“topK”不能小于 1。"
 */
export function describeIssue(issue: IssueLike, field: string, locale: Locale): string {
  const vars: Record<string, string> = { field };
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined || issue.input === null) return formatMessage(settingMessages.required, locale, vars);
      const expected = expectedNames[issue.expected ?? ""];
      return formatMessage(settingMessages.wrongType, locale, { ...vars, expected: expected ? expected[locale] : String(issue.expected) });
    }
    case "too_small":
    case "too_big": {
      const { t, n } = sizeMessage(issue, issue.code === "too_small");
      return formatMessage(t, locale, { ...vars, n });
    }
    case "invalid_format": {
      const name = formatNames[issue.format ?? ""];
      if (!name) return formatMessage(settingMessages.badPattern, locale, vars);
      return formatMessage(settingMessages.badFormat, locale, { ...vars, format: name[locale] });
    }
    case "invalid_value": {
      const values = (issue.values ?? []).map((v) => String(v));
      return formatMessage(settingMessages.notOneOf, locale, { ...vars, values: joinList(values, locale) });
    }
    case "not_multiple_of":
      return formatMessage(settingMessages.notMultipleOf, locale, { ...vars, n: String(issue.divisor) });
    case "unrecognized_keys":
      return formatMessage(settingMessages.unknownKeys, locale, { keys: joinList(issue.keys ?? [], locale) });
    case "custom": {
      const own = issue.params?.message;
      const detail = isLocalized(own) ? own[locale] : issue.message;
      if (!detail) return formatMessage(settingMessages.invalid, locale, vars);
      return formatMessage(settingMessages.custom, locale, { ...vars, detail });
    }
    default:
      return formatMessage(settingMessages.invalid, locale, vars);
  }
}
