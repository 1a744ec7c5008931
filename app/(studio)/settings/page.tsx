import { getTranslations } from "next-intl/server";
import { ProvidersManager } from "./providers-manager";
import { SettingsNav } from "./settings-nav";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const t = await getTranslations("providers");
  return (
    <section>
      <SettingsNav current="providers" />
      <h1>{t("title")}</h1>
      <p className="muted">{t("intro")}</p>
      <ProvidersManager />
    </section>
  );
}
