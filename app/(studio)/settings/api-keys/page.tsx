import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SettingsNav } from "../settings-nav";
import { ApiKeysManager } from "./api-keys-manager";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("apiKeys");
  return { title: `${t("title")} · Trellis` };
}

export default async function ApiKeysPage() {
  const t = await getTranslations("apiKeys");
  return (
    <section className="accounts-page">
      <SettingsNav current="apiKeys" />
      <h1>{t("title")}</h1>
      <p className="muted">{t("intro")}</p>
      <ApiKeysManager />
    </section>
  );
}
