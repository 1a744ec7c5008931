import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { InviteForm } from "./invite-form";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: `${t("inviteTitle")} · Trellis` };
}

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <InviteForm token={token} />;
}
