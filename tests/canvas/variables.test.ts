import { describe, expect, it } from "vitest";
import { createCanvasStore } from "@/lib/canvas/store";
import { upstreamVariables, upstreamVariablesKey } from "@/lib/canvas/variables";
import { starterFlow } from "@/lib/flow/starter";

describe("the prompt editor's upstream variables while a big flow is edited", () => {
  it("lists the outputs of the nodes wired into a node, with their names in the person's language", () => {
    const { nodes, edges } = createCanvasStore(starterFlow("zh")).getState();
    const vars = upstreamVariables(nodes, edges, "llm", "zh");
    expect(vars.map((v) => `${v.nodeId}.${v.port}`).sort()).toEqual(["prompt.prompt", "start.history", "start.message"]);
    expect(vars.find((v) => v.nodeId === "prompt")?.nodeName).toBe("提示词");
  });

  it("keeps its answer while nodes are only dragged, and changes it when a wire or a setting changes", () => {
    const store = createCanvasStore(starterFlow("en"));
    const select = upstreamVariablesKey("llm", "en");
    const key = () => select(store.getState().nodes, store.getState().edges);
    const first = key();
    expect(JSON.parse(first)).toEqual(upstreamVariables(store.getState().nodes, store.getState().edges, "llm", "en"));

    // A drag frame: new node objects and a new array, same settings and wires.
    store.getState().onNodesChange([{ type: "position", id: "prompt", position: { x: 999, y: 5 }, dragging: true }]);
    expect(key()).toBe(first);

    // Renaming the prompt node changes the names the editor shows.
    store.getState().renameNode("prompt", "Question builder");
    expect(JSON.parse(key())).toContainEqual(expect.objectContaining({ nodeId: "prompt", nodeName: "Question builder" }));

    // Cutting the prompt → llm wire takes the prompt's output out of the list.
    store.getState().deleteElements([], store.getState().edges.filter((e) => e.source === "prompt").map((e) => e.id));
    expect(JSON.parse(key()).map((v: { nodeId: string }) => v.nodeId)).not.toContain("prompt");
  });
});
