import "server-only";
import type { Db } from "@/lib/db";
import { getProviderConfigById, listProvidersByWorkspaceId } from "@/lib/db/queries/providers";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { builtinProviderNames, createChatModel, offlineProvider, ollamaDefaultProvider, probeOllama, type ChatModel } from "@/lib/providers";
import type { Locale } from "@/lib/i18n/locale";
import type { ProviderConfig } from "@/lib/provider-config";

const PROBE_TTL_MS = 10_000;
let probe: { at: number; reachable: Promise<boolean> } | undefined;

/** Whether Ollama answers on its configured URL; probed at most every 10 s, never on a hot path twice. */
export function ollamaReachable(): Promise<boolean> {
  const now = Date.now();
  if (!probe || now - probe.at > PROBE_TTL_MS) {
    probe = { at: now, reachable: probeOllama(env().OLLAMA_BASE_URL).catch(() => false) };
  }
  return probe.reachable;
}

export interface ProviderStatus {
  ollama: { baseUrl: string; reachable: boolean };
  /** What "default" resolves to right now. */
  defaultProvider: { id: string; name: string; kind: ProviderConfig["kind"] };
  /** True when nothing but the offline pair is available. */
  offline: boolean;
}

/** The built-in providers, always listed: the local Ollama and the offline pair — named in `locale` when given. */
export function builtinProviders(locale?: Locale): ProviderConfig[] {
  const all = [ollamaDefaultProvider(env().OLLAMA_BASE_URL), offlineProvider];
  return locale ? all.map((p) => ({ ...p, name: builtinProviderNames[p.id]?.[locale] ?? p.name })) : all;
}

/**
 * Resolves a provider id as a node names it. "default" is the workspace's chosen default, else
 * the local Ollama when it answers, else the offline pair — so a fresh machine always runs.
 */
export async function resolveProvider(db: Db, workspaceId: string, id: string): Promise<ProviderConfig> {
  const builtin = builtinProviders().find((p) => p.id === id);
  if (builtin) return builtin;
  if (id === "default" || id === "") {
    const stored = await listProvidersByWorkspaceId(db, workspaceId);
    const chosen = stored.find((p) => p.isDefault);
    const config = chosen ? await getProviderConfigById(db, workspaceId, chosen.id) : null;
    if (config) return config;
    return (await ollamaReachable()) ? ollamaDefaultProvider(env().OLLAMA_BASE_URL) : offlineProvider;
  }
  const config = await getProviderConfigById(db, workspaceId, id);
  if (!config) {
    throw new AppError("provider_not_found", { en: `The model provider "${id}" does not exist any more. Choose another in the LLM node's settings.`, zh: `模型服务“${id}”已不存在，请在 LLM 节点设置中另选一个。` }, 400);
  }
  return config;
}

/**
 * Every provider of the workspace by id → the name people know it by (built-in ones in `locale`).
 * @example (await providerNames(db, "local", "zh")).get("ollama-local") // "Ollama（本机）"
 */
export async function providerNames(db: Db, workspaceId: string, locale?: Locale): Promise<Map<string, string>> {
  const stored = await listProvidersByWorkspaceId(db, workspaceId);
  return new Map([...builtinProviders(locale), ...stored].map((p) => [p.id, p.name]));
}

/**
 * How long a run may use a provider as it was resolved before asking the database again: a
 * change made on this instance applies at once (forgetProviders), one made on another within
 * this time — the same rule as API keys.
 */
const RESOLVED_TTL_MS = 5_000;
const resolved = new Map<string, { until: number; config: Promise<ProviderConfig> }>();
const chatModels = new WeakMap<ProviderConfig, Map<string, ChatModel>>();

/** Drops what runs remember of a workspace's providers (call after creating, changing or deleting one). */
export function forgetProviders(workspaceId: string): void {
  for (const key of resolved.keys()) if (key.startsWith(`${workspaceId}\u0000`)) resolved.delete(key);
}

/**
 * The chat model a run's LLM node asks for: the provider resolved as {@link resolveProvider} does,
 * remembered for a few seconds, and one model client per (provider configuration, model) — a run
 * costs no database read and no client construction for them.
 */
export async function chatModelForRun(db: Db, workspaceId: string, providerId: string, model: string | undefined): Promise<ChatModel> {
  const key = `${workspaceId}\u0000${providerId}`;
  const now = Date.now();
  let entry = resolved.get(key);
  if (!entry || entry.until <= now) {
    entry = { until: now + RESOLVED_TTL_MS, config: resolveProvider(db, workspaceId, providerId) };
    if (resolved.size > 1_000) resolved.clear();
    resolved.set(key, entry);
    // A failure is not remembered: the next run asks again.
    entry.config.catch(() => resolved.get(key) === entry && resolved.delete(key));
  }
  const config = await entry.config;
  let models = chatModels.get(config);
  if (!models) chatModels.set(config, (models = new Map()));
  const name = model ?? "";
  let chat = models.get(name);
  if (!chat) models.set(name, (chat = createChatModel(config, model)));
  return chat;
}

export async function providerStatus(db: Db, workspaceId: string, locale?: Locale): Promise<ProviderStatus> {
  const reachable = await ollamaReachable();
  const found = await resolveProvider(db, workspaceId, "default");
  const resolved = { ...found, name: (locale && builtinProviderNames[found.id]?.[locale]) || found.name };
  return {
    ollama: { baseUrl: env().OLLAMA_BASE_URL, reachable },
    defaultProvider: { id: resolved.id, name: resolved.name, kind: resolved.kind },
    offline: resolved.kind === "offline",
  };
}
