import { describe, expect, it } from "vitest";
import { buildGraph, findCycle, reachableFrom, topologicalOrder } from "@/lib/flow/graph";
import { makeEdge, makeFlow, makeNode } from "../engine/factories";

const nodes = (...ids: string[]) => ids.map((id) => makeNode(id, "echo"));

describe("graph", () => {
  //   a --> b --> d
  //   a --> c --> d
  it("builds incoming and outgoing adjacency and ignores edges to missing nodes", () => {
    // ARRANGE
    const doc = makeFlow(nodes("a", "b", "c", "d"), [
      makeEdge("a.o", "b.i"), makeEdge("a.o", "c.i"), makeEdge("b.o", "d.x"), makeEdge("c.o", "d.y"), makeEdge("ghost.o", "d.z"),
    ]);
    // ACT
    const graph = buildGraph(doc);
    // ASSERT
    expect(graph.outgoing.get("a")?.map((e) => e.target)).toEqual(["b", "c"]);
    expect(graph.incoming.get("d")?.map((e) => e.source)).toEqual(["b", "c"]);
    expect(graph.incoming.get("a")).toEqual([]);
    expect(graph.edges).toHaveLength(4);
  });

  //   d --> c --> b --> a   (listed a, b, c, d)
  it("orders nodes so every edge points forward", () => {
    // ARRANGE
    const doc = makeFlow(nodes("a", "b", "c", "d"), [makeEdge("d.o", "c.i"), makeEdge("c.o", "b.i"), makeEdge("b.o", "a.i")]);
    // ACT
    const order = topologicalOrder(buildGraph(doc));
    // ASSERT
    expect(order).toEqual(["d", "c", "b", "a"]);
  });

  //   s --> a --> b --> c --> a   (loop a → b → c)
  it("finds the nodes of a cycle and leaves them out of the order", () => {
    // ARRANGE
    const doc = makeFlow(nodes("s", "a", "b", "c"), [makeEdge("s.o", "a.i"), makeEdge("a.o", "b.i"), makeEdge("b.o", "c.i"), makeEdge("c.o", "a.j")]);
    const graph = buildGraph(doc);
    // ACT
    const cycle = findCycle(graph);
    // ASSERT
    expect(cycle).toEqual(["a", "b", "c"]);
    expect(topologicalOrder(graph)).toEqual(["s"]);
  });

  //   a --> a
  it("treats a self-loop as a cycle and a diamond as none", () => {
    expect(findCycle(buildGraph(makeFlow(nodes("a"), [makeEdge("a.o", "a.i")])))).toEqual(["a"]);
    const diamond = makeFlow(nodes("a", "b", "c", "d"), [makeEdge("a.o", "b.i"), makeEdge("a.o", "c.i"), makeEdge("b.o", "d.i"), makeEdge("c.o", "d.j")]);
    expect(findCycle(buildGraph(diamond))).toBeNull();
  });

  it("handles a 3000-node chain without overflowing the stack", () => {
    // ARRANGE
    const ids = Array.from({ length: 3000 }, (_, i) => `n${i}`);
    const doc = makeFlow(nodes(...ids), ids.slice(1).map((id, i) => makeEdge(`${ids[i]}.o`, `${id}.i`)));
    const graph = buildGraph(doc);
    // ACT + ASSERT
    expect(findCycle(graph)).toBeNull();
    expect(topologicalOrder(graph)).toHaveLength(3000);
    expect(reachableFrom(graph, "n0").size).toBe(3000);
  });

  //   a --> b --> c      x --> y
  it("reaches forward only, from one or several nodes", () => {
    // ARRANGE
    const graph = buildGraph(makeFlow(nodes("a", "b", "c", "x", "y"), [makeEdge("a.o", "b.i"), makeEdge("b.o", "c.i"), makeEdge("x.o", "y.i")]));
    // ACT + ASSERT
    expect([...reachableFrom(graph, "b")].sort()).toEqual(["b", "c"]);
    expect([...reachableFrom(graph, ["a", "x"])].sort()).toEqual(["a", "b", "c", "x", "y"]);
    expect(reachableFrom(graph, "missing").size).toBe(0);
  });
});
