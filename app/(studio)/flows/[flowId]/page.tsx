import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/lib/db";
import { getFlowById } from "@/lib/db/queries/flows";
import { readableGraph } from "@/lib/server/flow-secrets";
import { pageContext } from "@/lib/server/page-context";
import { Studio } from "./studio";

export const dynamic = "force-dynamic";

export default async function FlowPage({ params }: { params: Promise<{ flowId: string }> }) {
  const { flowId } = await params;
  const { workspaceId } = await pageContext();
  const t = await getTranslations("flow");
  const flow = await getFlowById(await getDb(), workspaceId, flowId);
  if (!flow) notFound();
  return (
    <section className="studio-page">
      <p className="crumbs">
        <Link href="/">← {t("back")}</Link>
      </p>
      <Studio flow={{ id: flow.id, name: flow.name, revision: flow.revision, graph: readableGraph(flow.graph) }} />
    </section>
  );
}
