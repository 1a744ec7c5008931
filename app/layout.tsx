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
  const tk = await getTranslations("knowledge");
  return (
    <html lang={locale === "zh" ? "zh-CN" : "en"}>
      <body>
        <NextIntlClientProvider>
          <header className="topbar">
            <Link href="/" className="brand">
              <svg className="brand-mark" viewBox="0 0 20 20" width="20" height="20" aria-hidden>
                <path d="M3 17 L17 3 M3 10 L10 3 M10 17 L17 10 M3 3 L17 17 M3 10 L10 17 M10 3 L17 10" stroke="currentColor" strokeWidth="1.6" fill="none" strokeLinecap="round" />
              </svg>
              {t("name")}
            </Link>
            <nav className="topnav">
              <Link href="/">{t("nav.flows")}</Link>
              <Link href="/knowledge">{tk("nav")}</Link>
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
