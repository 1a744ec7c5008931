import type { BotSettings } from "@/lib/bots/types";

/** What the studio's publish page receives from /api/v1/flows/:flowId/bot (dates as JSON strings). */
export interface StudioBot {
  id: string;
  flowId: string;
  slug: string;
  enabled: boolean;
  settings: BotSettings;
  hasAccessCode: boolean;
  signingSecret: string;
  activeRelease: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface StudioRelease {
  id: string;
  number: number;
  flowVersion: number;
  notes: string;
  createdBy: string | null;
  createdAt: string;
}

export interface StudioBotKey {
  id: string;
  name: string;
  dailyTokens: number | null;
  pinnedRelease: number | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The one-tag embed snippet for a bot. */
export function embedSnippet(origin: string, slug: string): string {
  return `<script src="${origin}/widget.js" data-bot="${slug}" async></script>`;
}
