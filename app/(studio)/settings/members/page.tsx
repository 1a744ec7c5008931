import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SettingsNav } from "../settings-nav";
import { MembersManager } from "./members-manager";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("members");
  return { title: `${t("title")} · Trellis` };
}

export default async function MembersPage() {
  const t = await getTranslations("members");
  return (
    <section className="accounts-page">
      <SettingsNav current="members" />
      <h1>{t("title")}</h1>
      <p className="muted">{t("intro")}</p>
      <MembersManager />
    </section>
  );
}
