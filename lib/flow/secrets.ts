import type { NodeRegistry } from "@/nodes/define";
import type { AnyNodeDef, SettingPath } from "@/nodes/define";
import type { FlowDocument, FlowNode } from "./schema";

/**
 * Secrets in node settings (an HTTP node's `Authorization` header, any field a node marks
 * `.meta({ secret: true })`). In the stored flow such a value is an envelope, never text:
 *
 * - stored   `{ "$secret": "v1:<iv>:<tag>:<ciphertext>", id, hint?, vars? }` — AES-256-GCM bound to
 *   the workspace and flow (lib/server/flow-secrets.ts); only the server holds the key;
 * - masked   `{ "$secret": true, id, hint?, vars? }` — what every reader gets (API, studio, diffs):
 *   `id` names the stored secret so a save can keep it, `hint` is its last four characters
 *   when it is long enough to spare them, `vars` the `{{variables}}` it uses (they are ports).
 *
 * This module is pure (it runs in the browser too): it finds secret fields, masks envelopes
 * and lets validation see a masked value as text. Encrypting and decrypting are the server's.
 */

export interface StoredSecret {
  $secret: string;
  id: string;
  hint?: string;
  vars?: string[];
}

export interface MaskedSecret {
  $secret: true;
  id?: string;
  hint?: string;
  vars?: string[];
}

export type SecretEnvelope = StoredSecret | MaskedSecret;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A stored (encrypted) secret. */
export function isStoredSecret(value: unknown): value is StoredSecret {
  return isObject(value) && typeof value.$secret === "string" && typeof value.id === "string";
}

/** A masked secret, as readers see it. */
export function isMaskedSecret(value: unknown): value is MaskedSecret {
  return isObject(value) && value.$secret === true;
}

/** Either form of secret envelope. */
export function isSecretEnvelope(value: unknown): value is SecretEnvelope {
  return isStoredSecret(value) || isMaskedSecret(value);
}

/**
 * Whether a value typed into a secret field holds anything secret. "Bearer {{token}}" takes its
 * token from an input at run time: it stays readable text (and keeps its port visible).
 * @example holdsLiteralSecret("Bearer {{token}}") // false
 * @example holdsLiteralSecret("Bearer sk-live-123") // true
 */
export function holdsLiteralSecret(value: string): boolean {
  return value.replace(/\{\{[^}]*\}\}/g, "").replace(/\b(Bearer|Basic|Token)\b/gi, "").trim() !== "";
}

/** Characters of a secret shown as its hint: the last four, only when at least 16 remain hidden. */
const HINT_CHARS = 4;
const HINT_MIN_LENGTH = 20;

/**
 * The hint shown for a secret: "…k3f9" for a long value, nothing for a short one (a short
 * password would be a quarter given away).
 * @example secretHint("Bearer sk-live-0123456789abk3f9") // "…k3f9"
 */
export function secretHint(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed.length >= HINT_MIN_LENGTH ? `…${trimmed.slice(-HINT_CHARS)}` : undefined;
}

/** The masked form of an envelope; a masked one is returned as is. */
export function maskSecret(envelope: SecretEnvelope): MaskedSecret {
  const masked: MaskedSecret = { $secret: true };
  if (envelope.id) masked.id = envelope.id;
  if (envelope.hint) masked.hint = envelope.hint;
  if (envelope.vars?.length) masked.vars = [...envelope.vars];
  return masked;
}

type Inspectable = {
  meta?: () => unknown;
  _zod?: { def?: { type?: string; innerType?: Inspectable; in?: Inspectable; element?: Inspectable; shape?: Record<string, Inspectable> } };
};

function declaresSecret(schema: Inspectable | undefined): boolean {
  for (let node = schema, depth = 0; node && depth < 8; node = node._zod?.def?.innerType ?? node._zod?.def?.in, depth++) {
    const meta = typeof node.meta === "function" ? node.meta() : undefined;
    if (isObject(meta) && meta.secret === true) return true;
  }
  return false;
}

function unwrap(schema: Inspectable | undefined): Inspectable | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 8; depth++) {
    const def = current._zod?.def;
    if (def?.type === "object" || def?.type === "array") return current;
    current = def?.innerType ?? def?.in;
  }
  return current;
}

/** Paths of fields the schema marks `.meta({ secret: true })`, expanded over the lists in `data`. */
function declaredPaths(schema: Inspectable | undefined, data: unknown, path: SettingPath, out: SettingPath[], depth = 0): void {
  if (!schema || depth > 16) return;
  if (declaresSecret(schema)) {
    out.push(path);
    return;
  }
  const base = unwrap(schema);
  const def = base?._zod?.def;
  if (def?.type === "object" && def.shape && isObject(data)) {
    for (const [key, inner] of Object.entries(def.shape)) declaredPaths(inner, data[key], [...path, key], out, depth + 1);
  } else if (def?.type === "array" && def.element && Array.isArray(data)) {
    data.forEach((item, index) => declaredPaths(def.element, item, [...path, index], out, depth + 1));
  }
}

/** Paths in `data` where an envelope sits: once secret, a value stays secret until it is replaced. */
function envelopePaths(data: unknown, path: SettingPath, out: SettingPath[], depth = 0): void {
  if (depth > 32) return;
  if (isSecretEnvelope(data)) {
    out.push(path);
    return;
  }
  if (Array.isArray(data)) data.forEach((item, index) => envelopePaths(item, [...path, index], out, depth + 1));
  else if (isObject(data)) for (const [key, inner] of Object.entries(data)) envelopePaths(inner, [...path, key], out, depth + 1);
}

/**
 * Where a node's settings hold secrets: fields its schema marks `.meta({ secret: true })`,
 * those its type names from the settings (`secretFields`, e.g. sensitive HTTP headers), and
 * wherever an envelope already is.
 * @example secretPathsOf(httpRequest, { headers: [{ name: "Authorization", value: "Bearer x" }] }) // [["headers", 0, "value"]]
 */
export function secretPathsOf(def: AnyNodeDef | undefined, data: unknown): SettingPath[] {
  const found: SettingPath[] = [];
  if (def) {
    declaredPaths(def.config as Inspectable, data, [], found);
    if (def.secretFields && isObject(data)) found.push(...def.secretFields(data));
  }
  envelopePaths(data, [], found);
  const seen = new Set<string>();
  return found.filter((path) => {
    const key = JSON.stringify(path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The value at a path, or undefined. */
export function valueAt(data: unknown, path: SettingPath): unknown {
  let current = data;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === "number") current = current[key];
    else if (isObject(current) && typeof key === "string" && Object.hasOwn(current, key)) current = current[key];
    else return undefined;
  }
  return current;
}

/** A copy of `data` with the value at `path` replaced (containers along the path copied, others shared). */
export function withValueAt(data: unknown, path: SettingPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path;
  if (Array.isArray(data) && typeof key === "number" && key < data.length) {
    const copy = [...data];
    copy[key] = withValueAt(data[key], rest, value);
    return copy;
  }
  if (isObject(data) && typeof key === "string" && Object.hasOwn(data, key)) return { ...data, [key]: withValueAt(data[key], rest, value) };
  return data;
}

/** What a node's secret field holds, for `mapSecretValues`. */
export interface SecretField {
  node: FlowNode;
  path: SettingPath;
  value: unknown;
}

/**
 * A copy of the flow with every secret field's value replaced by `replace(field)`; nodes without
 * secrets are shared, not copied.
 * @example mapSecretValues(doc, nodeRegistry, ({ value }) => (isStoredSecret(value) ? maskSecret(value) : value))
 */
export function mapSecretValues(doc: FlowDocument, registry: NodeRegistry, replace: (field: SecretField) => unknown): FlowDocument {
  // A damaged stored document (no node list) has no settings to look at; validation reports it.
  if (!Array.isArray(doc?.nodes)) return doc;
  const nodes = doc.nodes.map((node) => {
    const def = Object.hasOwn(registry, node.type) ? registry[node.type] : undefined;
    let data: unknown = node.data;
    for (const path of secretPathsOf(def, node.data)) {
      const value = valueAt(data, path);
      if (value === undefined) continue;
      const next = replace({ node, path, value });
      if (next !== value) data = withValueAt(data, path, next);
    }
    return data === node.data ? node : { ...node, data: data as FlowNode["data"] };
  });
  return { ...doc, nodes };
}

/**
 * The flow as any reader may see it: stored secrets masked, and — should text ever sit in a
 * secret field (a flow saved before secrets were encrypted, not yet migrated) — that text masked
 * too, without an id, so it can be replaced but never read.
 * @example Response.json({ flow: { ...flow, graph: maskFlowSecrets(flow.graph, nodeRegistry) } })
 */
export function maskFlowSecrets(doc: FlowDocument, registry: NodeRegistry): FlowDocument {
  return mapSecretValues(doc, registry, ({ value }) => {
    if (isSecretEnvelope(value)) return maskSecret(value);
    if (typeof value === "string" && holdsLiteralSecret(value)) {
      const masked: MaskedSecret = { $secret: true };
      const hint = secretHint(value);
      if (hint) masked.hint = hint;
      return masked;
    }
    return value;
  });
}

/**
 * Node settings with every envelope replaced by text standing for it — "[secret]" followed by the
 * `{{variables}}` the secret uses — so the settings schema can check them and work out the ports
 * (validation, diffs, the studio's form) without ever seeing the secret.
 * @example secretsAsText({ headers: [{ name: "X-Api-Key", value: { $secret: true, id: "s1" } }] }) // { headers: [{ name: "X-Api-Key", value: "[secret]" }] }
 */
export function secretsAsText(data: unknown): unknown {
  const paths: SettingPath[] = [];
  envelopePaths(data, [], paths);
  let out = data;
  for (const path of paths) {
    const envelope = valueAt(data, path) as SecretEnvelope;
    out = withValueAt(out, path, `[secret]${(envelope.vars ?? []).map((name) => `{{${name}}}`).join("")}`);
  }
  return out;
}

/**
 * Whether a node's settings hold any envelope (then they must be resolved on the server before
 * the node may run).
 */
export function hasSecretEnvelope(data: unknown): boolean {
  const paths: SettingPath[] = [];
  envelopePaths(data, [], paths);
  return paths.length > 0;
}
