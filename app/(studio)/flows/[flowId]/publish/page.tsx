import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/lib/db";
import { getFlowById } from "@/lib/db/queries/flows";
import { pageContext } from "@/lib/server/page-context";
import { PublishView } from "./publish-view";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("publish");
  return { title: `${t("title")} · Trellis` };
}

export default async function PublishPage({ params }: { params: Promise<{ flowId: string }> }) {
  const { flowId } = await params;
  const { workspaceId } = await pageContext();
  const t = await getTranslations("publish");
  const flow = await getFlowById(await getDb(), workspaceId, flowId);
  if (!flow) notFound();
  return (
    <section className="publish-page">
      <p className="crumbs">
        <Link href={`/flows/${flow.id}`} data-testid="back-to-flow">
          ← {t("back")}
        </Link>
      </p>
      <h1>
        {t("title")} · {flow.name}
      </h1>
      <p className="muted small">{t("intro")}</p>
      <PublishView flowId={flow.id} />
    </section>
  );
}
