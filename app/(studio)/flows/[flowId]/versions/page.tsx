import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/lib/db";
import { getFlowById, listFlowVersionsByFlowId } from "@/lib/db/queries/flows";
import { describeVersionNote } from "@/lib/flow/version-notes";
import { pageContext } from "@/lib/server/page-context";
import { VersionsView, type VersionRow } from "./versions-view";

export const dynamic = "force-dynamic";

export default async function VersionsPage({ params }: { params: Promise<{ flowId: string }> }) {
  const { flowId } = await params;
  const { workspaceId, locale } = await pageContext();
  const t = await getTranslations("versions");
  const db = await getDb();
  const flow = await getFlowById(db, workspaceId, flowId);
  if (!flow) notFound();
  const versions: VersionRow[] = (await listFlowVersionsByFlowId(db, flow.id)).map((v) => {
    const note = describeVersionNote(v.note, locale);
    return { version: v.version, noteKind: note.kind, noteText: note.text, author: v.author, createdAt: v.createdAt.toISOString() };
  });
  return (
    <section className="versions-page">
      <p className="crumbs">
        <Link href="/">{t("allFlows")}</Link> ·{" "}
        <Link href={`/flows/${flow.id}`} data-testid="back-to-flow">
          ← {t("back", { name: flow.name })}
        </Link>
      </p>
      <h1>{t("title", { name: flow.name })}</h1>
      <p className="muted small versions-help" data-testid="versions-help">
        {t("help")}
      </p>
      <VersionsView flowId={flow.id} initialVersions={versions} />
    </section>
  );
}
