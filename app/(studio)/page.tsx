import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { getDb } from "@/lib/db";
import { listFlowsByWorkspaceId } from "@/lib/db/queries/flows";
import { pageContext } from "@/lib/server/page-context";
import { DeleteFlowButton, NewFlowForm } from "./flow-list-actions";

export const dynamic = "force-dynamic";

export default async function FlowsPage() {
  const { workspaceId } = await pageContext();
  const t = await getTranslations("flows");
  const format = await getFormatter();
  const flows = await listFlowsByWorkspaceId(await getDb(), workspaceId);
  return (
    <section>
      <div className="page-head">
        <h1>{t("title")}</h1>
        <NewFlowForm />
      </div>
      {flows.length === 0 ? (
        <p className="empty" data-testid="flows-empty">
          {t("empty")}
        </p>
      ) : (
        <ul className="cards" data-testid="flow-list">
          {flows.map((flow) => (
            <li key={flow.id} className="card">
              <Link href={`/flows/${flow.id}`} className="card-title">
                {flow.name}
              </Link>
              {flow.description ? <p className="muted">{flow.description}</p> : null}
              <p className="muted small">{t("updated", { when: format.relativeTime(new Date(flow.updatedAt)) })}</p>
              <div className="card-actions">
                <Link href={`/flows/${flow.id}`} className="button">
                  {t("open")}
                </Link>
                <DeleteFlowButton id={flow.id} name={flow.name} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
