import { expect, it } from "vitest";
import { createFlow, deleteFlowById, updateFlow } from "@/lib/db/queries/flows";
import { LOCAL_WORKSPACE_ID } from "@/lib/db/schema";
import { starterFlow } from "@/lib/flow/starter";
import { flowForRun } from "@/lib/server/flow-cache";
import { forEachDatabase } from "../support/db";

forEachDatabase("flowForRun", (t) => {
  it("runs what is saved now: the same copy while the revision holds, the new graph after a save, nothing after a delete", async () => {
    // ARRANGE
    const ws = LOCAL_WORKSPACE_ID;
    const flow = await createFlow(t.db, ws, { name: "cached", graph: starterFlow("en") });
    // ACT + ASSERT
    const first = await flowForRun(t.db, ws, flow.id);
    expect(first?.revision).toBe(1);
    expect(await flowForRun(t.db, ws, flow.id)).toBe(first);
    const changed = starterFlow("zh");
    await updateFlow(t.db, ws, flow.id, { graph: changed });
    const afterSave = await flowForRun(t.db, ws, flow.id);
    expect(afterSave?.revision).toBe(2);
    expect(afterSave?.graph).toEqual(changed);
    expect(await flowForRun(t.db, "another-workspace", flow.id)).toBeNull();
    await deleteFlowById(t.db, ws, flow.id);
    expect(await flowForRun(t.db, ws, flow.id)).toBeNull();
  });
});
