import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { ViewOnlyNote } from "@/components/role-context";
import { roleAllows } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { listFlowsByWorkspaceId } from "@/lib/db/queries/flows";
import { listTemplates } from "@/lib/flow/templates";
import { pageContext } from "@/lib/server/page-context";
import { nodeRegistry } from "@/nodes";
import { DeleteFlowButton, DuplicateFlowButton, FlowTitle, NewFlowForm } from "./flow-list-actions";

export const dynamic = "force-dynamic";

export default async function FlowsPage() {
  const { workspaceId, locale, role } = await pageContext();
  const canEdit = roleAllows(role, "edit");
  const t = await getTranslations("flows");
  const tl = await getTranslations("flowsList");
  const tr = await getTranslations("roles");
  const format = await getFormatter();
  const flows = await listFlowsByWorkspaceId(await getDb(), workspaceId);
  return (
    <section>
      <div className="page-head">
        <h1>{t("title")}</h1>
        {canEdit ? <NewFlowForm templates={listTemplates(nodeRegistry, locale)} /> : <ViewOnlyNote />}
      </div>
      {flows.length === 0 ? (
        <p className="empty" data-testid="flows-empty">
          {canEdit ? t("empty") : tr("flowsEmpty")}
        </p>
      ) : (
        <ul className="cards" data-testid="flow-list">
          {flows.map((flow) => (
            <li key={flow.id} className="card" data-testid="flow-card" data-flow-id={flow.id}>
              <FlowTitle id={flow.id} name={flow.name} />
              {flow.description ? <p className="muted">{flow.description}</p> : null}
              <p className="muted small">{t("updated", { when: format.relativeTime(new Date(flow.updatedAt)) })}</p>
              <div className="card-actions">
                <Link href={`/flows/${flow.id}`} className="button">
                  {t("open")}
                </Link>
                <Link href={`/flows/${flow.id}/versions`} className="button ghost" data-testid="open-versions">
                  {tl("versions")}
                </Link>
                {canEdit ? (
                  <>
                    <DuplicateFlowButton id={flow.id} />
                    <DeleteFlowButton id={flow.id} name={flow.name} />
                  </>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
