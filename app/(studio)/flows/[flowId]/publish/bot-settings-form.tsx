"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { callApi } from "@/lib/client/api";
import type { StudioBot } from "@/lib/client/bots";
import type { BotLimits, BotSettings } from "@/lib/bots/types";

const limitNames = ["maxMessageChars", "maxOutputTokens", "rpmPerIp", "rpmPerKey", "rpmPerUser", "maxConcurrentRuns", "dailyTokens", "dailyTokensPerUser"] as const satisfies readonly (keyof BotLimits)[];

const lines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

/**
 * Every setting of a bot in one form: display (title, avatar, greeting, suggested questions,
 * colour, language), access, the widget's allowed sites, memory, limits and the signing secret.
 * The server validates (an enabled widget without allowed sites is refused) and its message shows.
 */
export function BotSettingsForm({ flowId, bot, canEdit, onSaved }: { flowId: string; bot: StudioBot; canEdit: boolean; onSaved: (bot: StudioBot) => void }) {
  const t = useTranslations("publish");
  const [settings, setSettings] = useState<BotSettings>(bot.settings);
  const [enabled, setEnabled] = useState(bot.enabled);
  const [suggested, setSuggested] = useState(bot.settings.suggestedQuestions.join("\n"));
  const [origins, setOrigins] = useState(bot.settings.allowedOrigins.join("\n"));
  const [accessCode, setAccessCode] = useState("");
  const [secret, setSecret] = useState(bot.signingSecret);
  const [state, setState] = useState<{ kind: "idle" | "saving" | "ok" | "error"; text?: string }>({ kind: "idle" });
  const set = <K extends keyof BotSettings>(key: K, value: BotSettings[K]) => setSettings((prev) => ({ ...prev, [key]: value }));
  const setLimit = (key: keyof BotLimits, value: number) => setSettings((prev) => ({ ...prev, limits: { ...prev.limits, [key]: value } }));

  async function save(extra: { rotateSigningSecret?: boolean } = {}) {
    setState({ kind: "saving" });
    const res = await callApi<{ bot: StudioBot }>(`/api/v1/flows/${flowId}/bot`, {
      method: "PATCH",
      json: {
        settings: { ...settings, suggestedQuestions: lines(suggested), allowedOrigins: lines(origins) },
        enabled,
        ...(accessCode ? { accessCode } : {}),
        ...extra,
      },
    });
    if (!res.data) return setState({ kind: "error", text: res.error ?? "" });
    setAccessCode("");
    if (extra.rotateSigningSecret) setSecret(res.data.bot.signingSecret);
    onSaved(res.data.bot);
    setState({ kind: "ok", text: t("saved") });
  }

  async function reveal() {
    const res = await callApi<{ bot: StudioBot }>(`/api/v1/flows/${flowId}/bot?reveal=1`);
    if (res.data) setSecret(res.data.bot.signingSecret);
  }

  return (
    <form
      className="kb-panel publish-settings"
      data-testid="bot-settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>{t("settingsTitle")}</h2>
      <fieldset disabled={!canEdit} className="form">
        <label>
          <span>
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} data-testid="bot-enabled" /> {t("enabled")}
          </span>
        </label>
        <label>
          {t("botTitle")}
          <input value={settings.title} maxLength={100} onChange={(e) => set("title", e.target.value)} data-testid="bot-title" />
        </label>
        <label>
          {t("avatar")}
          <input value={settings.avatarUrl ?? ""} maxLength={500} onChange={(e) => set("avatarUrl", e.target.value || null)} />
        </label>
        <label>
          {t("greeting")}
          <textarea value={settings.greeting} maxLength={2000} rows={2} onChange={(e) => set("greeting", e.target.value)} data-testid="bot-greeting" />
        </label>
        <label>
          {t("suggested")}
          <textarea value={suggested} rows={3} onChange={(e) => setSuggested(e.target.value)} data-testid="bot-suggested" />
        </label>
        <div className="row">
          <label>
            {t("themeColor")}
            <input type="color" value={settings.themeColor} onChange={(e) => set("themeColor", e.target.value)} />
          </label>
          <label>
            {t("language")}
            <select value={settings.language} onChange={(e) => set("language", e.target.value as BotSettings["language"])}>
              <option value="auto">{t("languageAuto")}</option>
              <option value="zh">中文</option>
              <option value="en">English</option>
            </select>
          </label>
        </div>
        <label>
          {t("access")}
          <select value={settings.access} onChange={(e) => set("access", e.target.value as BotSettings["access"])} data-testid="bot-access">
            <option value="public">{t("accessPublic")}</option>
            <option value="code">{t("accessCode")}</option>
            <option value="signed">{t("accessSigned")}</option>
          </select>
        </label>
        {settings.access === "code" ? (
          <label>
            {t("accessCodeField")}
            <input value={accessCode} minLength={4} maxLength={200} onChange={(e) => setAccessCode(e.target.value)} autoComplete="off" data-testid="bot-access-code" />
            {bot.hasAccessCode ? <span className="muted small">{t("accessCodeSet")}</span> : null}
          </label>
        ) : null}
        <label>
          {t("origins")}
          <textarea value={origins} rows={3} onChange={(e) => setOrigins(e.target.value)} placeholder="https://example.com" data-testid="bot-origins" />
        </label>
        <label>
          <span>
            <input type="checkbox" checked={settings.widgetEnabled} onChange={(e) => set("widgetEnabled", e.target.checked)} data-testid="bot-widget" /> {t("widgetEnabled")}
          </span>
        </label>
        <div className="row">
          <label>
            {t("memory")}
            <select
              value={settings.memory.mode}
              onChange={(e) => set("memory", e.target.value === "tokens" ? { mode: "tokens", tokens: 2000 } : { mode: "turns", turns: 6 })}
              data-testid="bot-memory-mode"
            >
              <option value="turns">{t("memoryTurns")}</option>
              <option value="tokens">{t("memoryTokens")}</option>
            </select>
          </label>
          <label>
            {t("memoryAmount")}
            <input
              type="number"
              min={0}
              value={settings.memory.mode === "turns" ? settings.memory.turns : settings.memory.tokens}
              onChange={(e) => {
                const n = Number(e.target.value);
                set("memory", settings.memory.mode === "turns" ? { mode: "turns", turns: n } : { mode: "tokens", tokens: n });
              }}
            />
          </label>
        </div>
        <h3>{t("limitsTitle")}</h3>
        <p className="muted small">{t("zeroUnlimited")}</p>
        <div className="publish-limits">
          {limitNames.map((name) => (
            <label key={name}>
              {t(name)}
              <input type="number" min={0} value={settings.limits[name]} onChange={(e) => setLimit(name, Number(e.target.value))} data-testid={`limit-${name}`} />
            </label>
          ))}
        </div>
        <div className="row">
          <button type="submit" className="primary" disabled={state.kind === "saving"} data-testid="bot-save">
            {state.kind === "saving" ? t("saving") : t("save")}
          </button>
          {state.kind === "ok" || state.kind === "error" ? (
            <span className={state.kind === "ok" ? "muted" : "error"} role={state.kind === "error" ? "alert" : "status"} data-testid="bot-save-message">
              {state.text}
            </span>
          ) : null}
        </div>
      </fieldset>
      <h3>{t("signingTitle")}</h3>
      <p className="muted small">{t("signingIntro")}</p>
      <div className="row">
        <code data-testid="signing-secret">{secret}</code>
        {canEdit ? (
          <>
            <button type="button" onClick={reveal}>
              {t("reveal")}
            </button>
            <button type="button" onClick={() => window.confirm(t("confirmRotate")) && void save({ rotateSigningSecret: true })}>
              {t("rotate")}
            </button>
          </>
        ) : null}
      </div>
    </form>
  );
}
