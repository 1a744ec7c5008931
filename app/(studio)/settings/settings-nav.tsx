import Link from "next/link";
import { getTranslations } from "next-intl/server";

const tabs = [
  { key: "providers", href: "/settings" },
  { key: "members", href: "/settings/members" },
  { key: "apiKeys", href: "/settings/api-keys" },
] as const;

/** The settings pages' small tab row: model providers, members, API keys. */
export async function SettingsNav({ current }: { current: (typeof tabs)[number]["key"] }) {
  const t = await getTranslations("auth.settingsNav");
  return (
    <nav className="settings-nav" aria-label={t("label")} data-testid="settings-nav">
      {tabs.map((tab) => (
        <Link key={tab.key} href={tab.href} className={tab.key === current ? "active" : undefined} aria-current={tab.key === current ? "page" : undefined}>
          {t(tab.key)}
        </Link>
      ))}
    </nav>
  );
}
