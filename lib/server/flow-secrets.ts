import "server-only";
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { listFlowVersionGraphs, listStoredGraphsForUpgrade, replaceStoredGraph } from "@/lib/db/queries/flows";
import { AppError, isAppError } from "@/lib/errors";
import type { FlowDocument, FlowNode } from "@/lib/flow/schema";
import {
  holdsLiteralSecret,
  isMaskedSecret,
  isStoredSecret,
  mapSecretValues,
  maskFlowSecrets,
  secretHint,
  type StoredSecret,
} from "@/lib/flow/secrets";
import { decryptSecret, encryptSecret, secretAad } from "@/lib/security/secrets";
import { nodeRegistry } from "@/nodes";
import { templateVariables } from "@/nodes/template-text";

/**
 * Secrets in node settings on the server (C20 extended to flows): encrypted when a flow is saved,
 * masked whenever it is read, decrypted only to run it. The pure half — which fields are
 * secret, the envelope shapes, masking — is lib/flow/secrets.ts.
 *
 * The associated data binds each ciphertext to its workspace and flow: copied into another flow
 * (or workspace) it does not decrypt. A save may keep a secret only by naming it (the masked
 * envelope's id) among those this flow already stores.
 */

/** Which flow a secret belongs to. */
export interface FlowRef {
  workspaceId: string;
  flowId: string;
}

/** The associated data of a flow's secrets. */
export function flowSecretAad(ref: FlowRef): string {
  return secretAad(ref.workspaceId, `flow:${ref.flowId}`);
}

function nodeName(node: FlowNode): string {
  return node.label || node.id;
}

function encryptValue(value: string, ref: FlowRef): StoredSecret {
  const envelope: StoredSecret = { $secret: encryptSecret(value, flowSecretAad(ref)), id: `s_${randomBytes(12).toString("base64url")}` };
  const hint = secretHint(value);
  if (hint) envelope.hint = hint;
  const vars = templateVariables(value);
  if (vars.length) envelope.vars = vars;
  return envelope;
}

function decryptValue(envelope: StoredSecret, ref: FlowRef, node: FlowNode): string {
  try {
    return decryptSecret(envelope.$secret, flowSecretAad(ref));
  } catch {
    const name = nodeName(node);
    throw new AppError(
      "secret_undecryptable",
      {
        en: `A secret in "${name}" could not be decrypted (the server's secret key changed, or the stored flow was altered). Enter it again in the node's settings.`,
        zh: `无法解密节点“${name}”中的密钥（服务器的加密密钥已更改，或已保存的流程被改动）。请在该节点的设置中重新输入。`,
      },
      409,
    );
  }
}

function unknownSecret(node: FlowNode): AppError {
  const name = nodeName(node);
  return new AppError(
    "secret_unknown",
    {
      en: `"${name}" refers to a secret this flow does not hold (it may come from another flow). Enter the value again.`,
      zh: `节点“${name}”引用了本流程中不存在的密钥（可能来自其他流程）。请重新输入该值。`,
    },
    400,
  );
}

/** Every stored secret of the documents, by id. */
function storedSecrets(docs: readonly FlowDocument[]): Map<string, StoredSecret> {
  const found = new Map<string, StoredSecret>();
  for (const doc of docs) {
    mapSecretValues(doc, nodeRegistry, ({ value }) => {
      if (isStoredSecret(value) && !found.has(value.id)) found.set(value.id, value);
      return value;
    });
  }
  return found;
}

const fieldKey = (node: FlowNode, path: (string | number)[]) => `${node.id}\u0000${JSON.stringify(path)}`;

/** Where to look up secrets a save keeps: the flow as stored now, then (only if needed) its versions. */
export interface SealSources {
  /** The flow's stored graph before this save, if it exists yet. */
  current?: FlowDocument;
  /** Its versions' graphs, loaded only when a kept secret is not in `current`. */
  versions?: () => Promise<FlowDocument[]>;
}

/**
 * The graph as it is stored: text typed into a secret field becomes an encrypted envelope (the
 * same envelope as before when the text did not change, so autosaves do not churn versions); a
 * masked envelope keeps the stored secret it names — refused (400 `secret_unknown`) unless this
 * flow holds it; an encrypted envelope sent back verbatim is held to the same rule. Template-only
 * values ("Bearer {{token}}") stay text.
 * @example const stored = await sealFlowSecrets(graph, { workspaceId, flowId }, { current: before.graph, versions: () => listFlowVersionGraphs(db, flowId) });
 */
export async function sealFlowSecrets(doc: FlowDocument, ref: FlowRef, sources: SealSources = {}): Promise<FlowDocument> {
  const current = sources.current;
  let pool = storedSecrets(current ? [current] : []);
  const needed: string[] = [];
  mapSecretValues(doc, nodeRegistry, ({ value }) => {
    const id = isMaskedSecret(value) || isStoredSecret(value) ? value.id : undefined;
    if (id && !pool.has(id)) needed.push(id);
    return value;
  });
  if (needed.length && sources.versions) pool = new Map([...storedSecrets(await sources.versions()), ...pool]);
  // Stored secrets of the previous graph by where they sat, to keep an unchanged retyped value's envelope.
  const previous = new Map<string, StoredSecret>();
  if (current) {
    mapSecretValues(current, nodeRegistry, ({ node, path, value }) => {
      if (isStoredSecret(value)) previous.set(fieldKey(node, path), value);
      return value;
    });
  }
  return mapSecretValues(doc, nodeRegistry, ({ node, path, value }) => {
    if (isMaskedSecret(value)) {
      const kept = value.id ? pool.get(value.id) : undefined;
      if (!kept) throw unknownSecret(node);
      return kept;
    }
    if (isStoredSecret(value)) {
      const kept = pool.get(value.id);
      if (!kept || kept.$secret !== value.$secret) throw unknownSecret(node);
      return kept;
    }
    if (typeof value !== "string" || !holdsLiteralSecret(value)) return value;
    const before = previous.get(fieldKey(node, path));
    if (before && decryptSecretOrNull(before, ref) === value) return before;
    return encryptValue(value, ref);
  });
}

function decryptSecretOrNull(envelope: StoredSecret, ref: FlowRef): string | null {
  try {
    return decryptSecret(envelope.$secret, flowSecretAad(ref));
  } catch {
    return null;
  }
}

/**
 * The graph with its secrets decrypted, for running it on the server and nowhere else, with the
 * clear values (to redact wherever they might show up: traces, logs, live events). A masked
 * envelope cannot run (400); one that does not decrypt stops the run before it starts (409).
 * @example const { graph, secrets } = revealFlowSecrets(flow.graph, { workspaceId, flowId: flow.id });
 */
export function revealFlowSecrets(doc: FlowDocument, ref: FlowRef): { graph: FlowDocument; secrets: string[] } {
  const secrets: string[] = [];
  const graph = mapSecretValues(doc, nodeRegistry, ({ node, path, value }) => {
    if (isStoredSecret(value)) {
      const clear = decryptValue(value, ref, node);
      secrets.push(...secretForms(clear));
      return clear;
    }
    if (isMaskedSecret(value)) throw unresolved(node, path);
    // Text in a secret field of a flow stored before secrets were encrypted: redacted all the same.
    if (typeof value === "string" && holdsLiteralSecret(value)) secrets.push(...secretForms(value));
    return value;
  });
  return { graph, secrets };
}

/** The value, and its token alone when it carries an auth scheme ("Bearer sk-…" → also "sk-…"). */
function secretForms(value: string): string[] {
  const token = value.replace(/^\s*(Bearer|Basic|Token)\s+/i, "").trim();
  return token && token !== value ? [value, token] : [value];
}

function unresolved(node: FlowNode, path: (string | number)[]): AppError {
  const name = nodeName(node);
  return new AppError(
    "secret_unresolved",
    { en: `The secret "${path.join(".")}" of "${name}" is masked here; run the saved flow or enter the value.`, zh: `节点“${name}”的密钥“${path.join(".")}”已隐藏；请运行已保存的流程或重新输入该值。` },
    400,
  );
}

/**
 * Settings sent for one node (the studio's "run this node" with unsaved edits): masked secrets
 * are replaced by the stored ones of this flow they name, then everything is decrypted.
 * @example const { data, secrets } = await resolveNodeSettings(body.settings, saved, flow.graph, ref, versions);
 */
export async function resolveNodeSettings(
  settings: Record<string, unknown>,
  node: FlowNode,
  stored: FlowDocument,
  ref: FlowRef,
  versions?: () => Promise<FlowDocument[]>,
): Promise<{ data: Record<string, unknown>; secrets: string[] }> {
  const single: FlowDocument = { schemaVersion: stored.schemaVersion, nodes: [{ ...node, data: settings }], edges: [] };
  const sealed = await sealFlowSecrets(single, ref, { current: stored, versions });
  const { graph, secrets } = revealFlowSecrets(sealed, ref);
  return { data: graph.nodes[0].data, secrets };
}

/**
 * A flow's graph re-encrypted for another flow (a duplicate): decrypted with the original's
 * binding, encrypted with the copy's.
 * @example const graph = reencryptFlowSecrets(original.graph, { workspaceId, flowId: original.id }, { workspaceId, flowId: copyId });
 */
export function reencryptFlowSecrets(doc: FlowDocument, from: FlowRef, to: FlowRef): FlowDocument {
  return mapSecretValues(doc, nodeRegistry, ({ node, value }) => (isStoredSecret(value) ? encryptValue(decryptValue(value, from, node), to) : value));
}

/**
 * A flow document as any member may read it: secrets masked.
 * @example Response.json({ flow: { ...flow, graph: readableGraph(flow.graph) } })
 */
export function readableGraph(doc: FlowDocument): FlowDocument {
  return maskFlowSecrets(doc, nodeRegistry);
}

/** A flow row (or anything with a graph) as any member may read it. */
export function readableFlow<T extends { graph: FlowDocument }>(flow: T): T {
  return { ...flow, graph: readableGraph(flow.graph) };
}

function holdsClearSecret(doc: FlowDocument): boolean {
  let found = false;
  mapSecretValues(doc, nodeRegistry, ({ value }) => {
    if (typeof value === "string" && holdsLiteralSecret(value)) found = true;
    return value;
  });
  return found;
}

const UPGRADE_PAGE = 100;

/**
 * Encrypts the secrets of flows and versions stored in clear text (saved before node secrets were
 * encrypted). Idempotent — a stored graph without clear-text secrets is left as it is — and run
 * at start-up, before the server takes requests. Returns how many graphs were rewritten.
 * @example await encryptStoredFlowSecrets(db) // 3
 */
export async function encryptStoredFlowSecrets(db: Db): Promise<number> {
  let rewritten = 0;
  for (const kind of ["flows", "versions"] as const) {
    let after = "";
    for (;;) {
      const page = await listStoredGraphsForUpgrade(db, kind, after, UPGRADE_PAGE);
      for (const row of page) {
        try {
          if (!holdsClearSecret(row.graph)) continue;
          const sealed = await sealFlowSecrets(row.graph, { workspaceId: row.workspaceId, flowId: row.flowId });
          if (await replaceStoredGraph(db, kind, row.id, row.graph, sealed)) rewritten++;
        } catch (error) {
          // One unreadable graph must not keep the others in clear text; its secrets stay masked on read.
          if (isAppError(error) && error.status === 503) throw error;
          console.error(`[db] could not encrypt the node secrets of ${kind === "flows" ? "flow" : "flow version"} ${row.id}`, error);
        }
      }
      if (page.length < UPGRADE_PAGE) break;
      after = page[page.length - 1].id;
    }
  }
  return rewritten;
}

/**
 * Whether saving `after` over `before` drops a stored secret that no version of the flow holds.
 * Then the graph before the save is kept as a version at once: a secret that was replaced or
 * deleted stays restorable, and an undo in the studio (which sends the old masked secret back)
 * still names a secret this flow holds.
 * @example if (await dropsUnversionedSecret(before.graph, graph, versionGraphs(db, flowId))) await snapshot(...)
 */
export async function dropsUnversionedSecret(before: FlowDocument, after: FlowDocument, versions: () => Promise<FlowDocument[]>): Promise<boolean> {
  const kept = storedSecrets([after]);
  const dropped = [...storedSecrets([before]).keys()].filter((id) => !kept.has(id));
  if (dropped.length === 0) return false;
  const versioned = storedSecrets(await versions());
  return dropped.some((id) => !versioned.has(id));
}

/** `versions` for sealFlowSecrets: the flow's version graphs, loaded on demand. */
export function versionGraphs(db: Db, flowId: string): () => Promise<FlowDocument[]> {
  return () => listFlowVersionGraphs(db, flowId);
}
