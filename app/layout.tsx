import type { Metadata } from "next";
import Link from "next/link";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import { LanguageSwitcher } from "@/components/language-switcher";
import { OfflineBanner } from "@/components/offline-banner";
import "./globals.css";

export const metadata: Metadata = { title: "Trellis", description: "Visual RAG workflow builder" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const locale = await getLocale();
  const t = await getTranslations("app");
  return (
    <html lang={locale === "zh" ? "zh-CN" : "en"}>
      <body>
        <NextIntlClientProvider>
          <header className="topbar">
            <Link href="/" className="brand">
              <span className="brand-mark" aria-hidden>
                ⌗
              </span>
              {t("name")}
            </Link>
            <nav className="topnav">
              <Link href="/">{t("nav.flows")}</Link>
              <Link href="/settings">{t("nav.settings")}</Link>
            </nav>
            <LanguageSwitcher current={locale === "zh" ? "zh" : "en"} label={t("language")} />
          </header>
          <OfflineBanner />
          <main className="page">{children}</main>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
