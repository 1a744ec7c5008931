import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { BrandMark } from "@/components/brand-mark";
import { LanguageSwitcher } from "@/components/language-switcher";
import { OfflineBanner } from "@/components/offline-banner";
import { RoleProvider } from "@/components/role-context";
import { UserMenu } from "@/components/user-menu";
import { requirePageSession } from "@/lib/server/session";

export const dynamic = "force-dynamic";

/** Every studio page: a logged-in person only (else /login), with the top bar. */
export default async function StudioLayout({ children }: { children: React.ReactNode }) {
  const principal = await requirePageSession();
  const locale = await getLocale();
  const t = await getTranslations("app");
  const tk = await getTranslations("knowledge");
  return (
    <RoleProvider role={principal.role}>
      <header className="topbar">
        <Link href="/" className="brand">
          <BrandMark />
          {t("name")}
        </Link>
        <nav className="topnav">
          <Link href="/">{t("nav.flows")}</Link>
          <Link href="/knowledge">{tk("nav")}</Link>
          <Link href="/settings">{t("nav.settings")}</Link>
        </nav>
        <LanguageSwitcher current={locale === "zh" ? "zh" : "en"} label={t("language")} />
        <UserMenu name={principal.user.name} email={principal.user.email} role={principal.role} />
      </header>
      <OfflineBanner />
      <main className="page">{children}</main>
    </RoleProvider>
  );
}
