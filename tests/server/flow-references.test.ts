import { beforeAll, expect, it } from "vitest";
import { createFlow } from "@/lib/db/queries/flows";
import { deleteKnowledgeBase } from "@/lib/db/queries/knowledge-bases";
import type { KnowledgeBase } from "@/lib/db/schema";
import { templateFlow } from "@/lib/flow/templates";
import type { FlowDocument } from "@/lib/flow/schema";
import { flowReferenceProblems, knowledgeBaseUsers, requireRunnableFlow } from "@/lib/server/flow-graph";
import { nodeRegistry } from "@/nodes";
import { newKb, tempFileStore, WS } from "../jobs/kb-fixtures";
import { forEachDatabase } from "../support/db";

/** The knowledge-base template with its retriever pointed at `ids`. */
function qaFlow(ids: string[]): FlowDocument {
  const doc = templateFlow("kb-qa", nodeRegistry, "zh")!;
  for (const node of doc.nodes) if (node.type === "retriever") node.data = { knowledgeBaseIds: ids };
  return doc;
}

forEachDatabase("references of saved flows", (t) => {
  let kb: KnowledgeBase;
  let other: KnowledgeBase;

  beforeAll(async () => {
    await t.query("INSERT INTO workspaces (id, name) VALUES ('other', 'Other') ON CONFLICT DO NOTHING");
    kb = await newKb(t.db, "员工手册");
    other = await newKb(t.db, "报销制度");
  });

  it("lists the flows that search a knowledge base, by name, in this workspace only", async () => {
    const uses = await createFlow(t.db, WS, { name: "手册问答", graph: qaFlow([kb.id]) });
    await createFlow(t.db, WS, { name: "报销问答", graph: qaFlow([other.id]) });
    await createFlow(t.db, "other", { name: "别人的流程", graph: qaFlow([kb.id]) });
    expect(await knowledgeBaseUsers(t.db, WS, kb.id)).toEqual([{ kind: "flow", id: uses.id, name: "手册问答" }]);
  });

  it("finds nothing wrong with a flow whose references exist, and names a deleted one before a run", async () => {
    const gone = await newKb(t.db, "临时库");
    const graph = qaFlow([kb.id, gone.id]);
    expect(await flowReferenceProblems(t.db, WS, qaFlow([kb.id]), "zh")).toEqual([]);
    const { files, dispose } = await tempFileStore();
    await deleteKnowledgeBase(t.db, files, WS, gone.id);
    await dispose();
    const problems = await flowReferenceProblems(t.db, WS, graph, "zh");
    expect(problems.map((p) => [p.code, p.reference])).toEqual([["knowledge-base-missing", gone.id]]);
    await expect(requireRunnableFlow(t.db, WS, graph, "zh")).rejects.toMatchObject({ code: "flow_not_runnable", status: 400 });
    await expect(requireRunnableFlow(t.db, WS, qaFlow([kb.id]), "zh")).resolves.toBeUndefined();
  });

  it("treats another workspace's knowledge base as missing", async () => {
    const theirs = await newKb(t.db, "他们的库");
    await t.query(`UPDATE knowledge_bases SET workspace_id = 'other' WHERE id = '${theirs.id}'`);
    const problems = await flowReferenceProblems(t.db, WS, qaFlow([theirs.id]), "en");
    expect(problems.map((p) => p.code)).toEqual(["knowledge-base-missing"]);
  });
});
