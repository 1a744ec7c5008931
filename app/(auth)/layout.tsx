import { getLocale, getTranslations } from "next-intl/server";
import { BrandMark } from "@/components/brand-mark";
import { LanguageSwitcher } from "@/components/language-switcher";

/** Sign-in, first setup and invitations: one centred card, no studio navigation. */
export default async function AuthLayout({ children }: { children: React.ReactNode }) {
  const locale = await getLocale();
  const t = await getTranslations("app");
  return (
    <div className="auth-shell">
      <div className="auth-head">
        <span className="brand">
          <BrandMark />
          {t("name")}
        </span>
        <LanguageSwitcher current={locale === "zh" ? "zh" : "en"} label={t("language")} remember={false} />
      </div>
      <div className="auth-card">{children}</div>
      <p className="auth-tagline muted small">{t("tagline")}</p>
    </div>
  );
}
