import { getTranslations } from "next-intl/server";
import { ProvidersManager } from "./providers-manager";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const t = await getTranslations("providers");
  return (
    <section>
      <h1>{t("title")}</h1>
      <p className="muted">{t("intro")}</p>
      <ProvidersManager />
    </section>
  );
}
