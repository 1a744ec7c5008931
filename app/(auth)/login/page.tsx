import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { currentPrincipal, setupRequired } from "@/lib/server/session";
import { LoginForm } from "./login-form";
import { safeNextPath } from "./next-path";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: `${t("loginTitle")} · Trellis` };
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = safeNextPath((await searchParams).next);
  if (await setupRequired()) redirect("/setup");
  if ((await currentPrincipal())?.user) redirect(next);
  const t = await getTranslations("auth");
  return (
    <section>
      <h1>{t("loginTitle")}</h1>
      <p className="muted">{t("loginIntro")}</p>
      <LoginForm next={next} />
    </section>
  );
}
