import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { setupRequired } from "@/lib/server/session";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: `${t("setupTitle")} · Trellis` };
}

/** First run only: once an account exists, this page sends people to sign in. */
export default async function SetupPage() {
  if (!(await setupRequired())) redirect("/login");
  const t = await getTranslations("auth");
  return (
    <section>
      <h1>{t("setupTitle")}</h1>
      <p className="muted">{t("setupIntro")}</p>
      <SetupForm />
    </section>
  );
}
