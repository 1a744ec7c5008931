import type { z } from "zod";
import type { Localized } from "@/lib/i18n/locale";
import type { NodeContext } from "./context";
import type { PortSpec, PortValueOf } from "./ports";

export type NodeCategory = "io" | "logic" | "ai" | "rag" | "tools" | "text";
export type PortMap = Record<string, PortSpec>;
/** Where a value sits in a node's settings: keys of objects, indexes of lists. */
export type SettingPath = (string | number)[];

/** Input values as `run` sees them; optional ports may be undefined. */
export type PortValues<P extends PortMap> = {
  [K in keyof P]: P[K]["required"] extends true ? PortValueOf[P[K]["kind"]] : PortValueOf[P[K]["kind"]] | undefined;
};

export interface NodeUi {
  label: Localized;
  description: Localized;
  category: NodeCategory;
  icon: string;
}

/**
 * Ports may depend on settings (a prompt template's variables, a condition's branches);
 * then `inputs`/`outputs` is a function of the parsed settings.
 */
export type Ports<C> = PortMap | ((config: C) => PortMap);

export interface NodeRunArgs<C, I extends PortMap> {
  config: C;
  inputs: PortValues<I> & Record<string, unknown>;
  ctx: NodeContext;
}

/**
 * One node type: its identity, labels, settings schema, ports and behaviour.
 * The same module serves the server (validation, run) and the browser (forms, labels).
 */
export interface NodeDef<S extends z.ZodType = z.ZodType, I extends PortMap = PortMap, O extends PortMap = PortMap> {
  type: string;
  version: number;
  ui: NodeUi;
  config: S;
  inputs: I | ((config: z.output<S>) => PortMap);
  outputs: O | ((config: z.output<S>) => PortMap);
  /**
   * Output port that carries an input through unchanged (a template that only passes text,
   * a condition branch). The engine uses it to decide whether streamed LLM tokens already
   * are the answer.
   */
  passthrough?: (config: z.output<S>) => Record<string, string | string[]>;
  /** Output port whose final value is the text this node streams through `ctx.emitToken` (LLM). */
  streamPort?: string;
  /** True for nodes that end a flow (answer). Their `text`/`citations` outputs become the run's answer. */
  terminal?: boolean;
  /** True for the entry node (start). */
  entry?: boolean;
  /**
   * Settings that are secrets because of other settings (an HTTP header named Authorization),
   * beside fields the schema marks `.meta({ secret: true })`. Given the raw, unvalidated settings.
   * Secrets are stored encrypted, shown masked and resolved only on the server (lib/flow/secrets.ts).
   */
  secretFields?: (settings: Record<string, unknown>) => SettingPath[];
  /** Output ports absent from the result are "not taken": their downstream branch is skipped. */
  run(args: NodeRunArgs<z.output<S>, I>): Promise<Record<string, unknown>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- registry entries have different generic params
export type AnyNodeDef = NodeDef<any, any, any>;

/** Node types by name: what validation, diffs, templates and the engine look a node up in. */
export type NodeRegistry = Record<string, AnyNodeDef>;

/** Identity function that keeps the literal types of a node definition. */
export function defineNode<S extends z.ZodType, I extends PortMap, O extends PortMap>(def: NodeDef<S, I, O>): NodeDef<S, I, O> {
  return def;
}

/** Resolves the concrete input and output ports of a node for the given parsed settings. */
export function portsOf(def: AnyNodeDef, config: unknown): { inputs: PortMap; outputs: PortMap } {
  const inputs = typeof def.inputs === "function" ? def.inputs(config) : def.inputs;
  const outputs = typeof def.outputs === "function" ? def.outputs(config) : def.outputs;
  return { inputs, outputs };
}
