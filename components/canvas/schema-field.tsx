"use client";

import { useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { isShown, newRow, typedEntry, withoutBlankEntry, type FieldSpec } from "@/lib/canvas/schema-form";
import { isSecretEnvelope } from "@/lib/flow/secrets";
import { isLocale, type Locale } from "@/lib/i18n/locale";
import type { FieldErrors } from "./field-errors";
import { KnowledgeBasePicker, ModelPicker, ProviderPicker } from "./pickers";
import { PromptField } from "./prompt-field";
import { SecretField } from "./secret-field";

export interface FieldContext {
  /** The node being edited (the prompt field lists what is upstream of it). */
  nodeId: string;
  errors: FieldErrors;
  /** The whole settings object (pickers read siblings: the model list depends on the provider). */
  root: Record<string, unknown>;
  /** The node's inputs come from `{{variables}}` in its text fields (prompt, template, HTTP). */
  templated: boolean;
  /** Paths ("headers.0.value") of settings that are secrets: shown masked, write-only. */
  secretPaths?: ReadonlySet<string>;
}

function useLang(): Locale {
  const tag = useLocale();
  return isLocale(tag) ? tag : "en";
}

function Errors({ messages }: { messages?: string[] }) {
  if (!messages?.length) return null;
  return (
    <ul className="field-errors" role="alert" data-testid="field-error">
      {messages.map((m, i) => (
        <li key={i}>{m}</li>
      ))}
    </ul>
  );
}

/**
 * A group of generated fields editing one object (a node's settings, or one row of a list).
 * Fields hidden by `showWhen` are not rendered.
 */
export function FieldGroup({ fields, value, path, ctx, onChange }: { fields: FieldSpec[]; value: Record<string, unknown>; path: string; ctx: FieldContext; onChange: (key: string, next: unknown) => void }) {
  return (
    <>
      {fields
        .filter((field) => isShown(field, value))
        .map((field) => (
          <SchemaField key={field.key} field={field} value={value[field.key]} path={path ? `${path}.${field.key}` : field.key} ctx={ctx} onChange={(next) => onChange(field.key, next)} />
        ))}
    </>
  );
}

/** One generated field: the right control for its kind, its label and help, and its problems. */
export function SchemaField({ field, value, path, ctx, onChange }: { field: FieldSpec; value: unknown; path: string; ctx: FieldContext; onChange: (next: unknown) => void }) {
  const locale = useLang();
  const t = useTranslations("settings");
  const id = `f-${ctx.nodeId}-${path}`;
  const errors = ctx.errors[path];
  const invalid = errors?.length ? true : undefined;
  const common = { id, "aria-invalid": invalid, "data-testid": `field-${path}` };
  const text = (raw: string) => onChange(raw === "" && field.optional ? undefined : raw);
  let control: React.ReactNode;
  if (ctx.secretPaths?.has(path) || isSecretEnvelope(value)) {
    control = <SecretField id={id} value={value} invalid={invalid} testId={`field-${path}`} onChange={onChange} />;
  } else switch (field.kind) {
    case "textarea":
      control = <PromptField {...common} nodeId={ctx.nodeId} templated={ctx.templated} value={typeof value === "string" ? value : ""} onChange={text} />;
      break;
    case "number":
      control = (
        <input
          {...common}
          type="number"
          min={field.min}
          max={field.max}
          step={field.step ?? "any"}
          // An unset number runs with its default: show it, as a placeholder, so the field is never a blank.
          placeholder={typeof field.defaultValue === "number" ? String(field.defaultValue) : undefined}
          value={typeof value === "number" ? value : ""}
          onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
        />
      );
      break;
    case "select":
      control = (
        <select {...common} value={typeof value === "string" ? value : typeof field.defaultValue === "string" ? field.defaultValue : ""} onChange={(e) => onChange(e.target.value)}>
          {value === undefined && typeof field.defaultValue !== "string" ? <option value="">—</option> : null}
          {field.options?.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label[locale]}
            </option>
          ))}
        </select>
      );
      break;
    case "switch":
      control = <input {...common} type="checkbox" role="switch" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
      break;
    case "provider":
      control = <ProviderPicker {...common} value={typeof value === "string" ? value : ""} onChange={text} />;
      break;
    case "model":
      control = <ModelPicker {...common} provider={typeof ctx.root.provider === "string" ? ctx.root.provider : "default"} value={typeof value === "string" ? value : ""} onChange={text} />;
      break;
    case "knowledge-base":
      control = <KnowledgeBasePicker {...common} multiple={field.multiple === true} value={value} onChange={onChange} />;
      break;
    case "string-list":
      control = <StringList field={field} items={Array.isArray(value) ? (value as unknown[]) : []} path={path} ctx={ctx} onChange={onChange} />;
      break;
    case "list": {
      const rows = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
      control = (
        <div className="list-field" data-testid={`field-${path}`}>
          {rows.map((row, index) => (
            <fieldset className="list-row" key={index}>
              <legend>
                {field.label[locale]} {index + 1}
                <button type="button" className="ghost" onClick={() => onChange(rows.filter((_, i) => i !== index))} disabled={rows.length <= (field.minItems ?? 0)} aria-label={t("removeRow")}>
                  ×
                </button>
              </legend>
              <FieldGroup fields={field.itemFields ?? []} value={row ?? {}} path={`${path}.${index}`} ctx={ctx} onChange={(key, next) => onChange(rows.map((r, i) => (i === index ? withKey(r, key, next) : r)))} />
            </fieldset>
          ))}
          {rows.length < (field.maxItems ?? Infinity) ? (
            <button type="button" className="add-row" onClick={() => onChange([...rows, newRow(field, rows)])}>
              + {t("addRow")}
            </button>
          ) : null}
        </div>
      );
      break;
    }
    case "json":
      control = <textarea {...common} className="code" rows={4} defaultValue={JSON.stringify(value ?? null, null, 2)} onBlur={(e) => onChange(parseOr(e.target.value, value))} />;
      break;
    default:
      control = <input {...common} type="text" value={value === undefined || value === null ? "" : String(value)} onChange={(e) => text(e.target.value)} />;
  }
  const bounds = field.kind === "number" && (field.min !== undefined || field.max !== undefined) ? t("bounds", { min: field.min ?? "−∞", max: field.max ?? "∞" }) : null;
  return (
    <div className={`field field-${field.kind}${invalid ? " invalid" : ""}`}>
      <label htmlFor={id}>
        {field.label[locale]}
        {!field.optional && field.defaultValue === undefined && field.kind !== "list" ? <span className="req">*</span> : null}
      </label>
      {control}
      {field.help || bounds ? <p className="help">{[field.help?.[locale], bounds].filter(Boolean).join(" · ")}</p> : null}
      <Errors messages={errors} />
    </div>
  );
}

/**
 * A list of strings (document tags, template input names). "+ add" opens an empty, focused row
 * that is kept out of the settings until something is typed into it (`typedEntry`); a row left
 * empty is dropped when the person leaves it (`withoutBlankEntry`). The new row has the key its
 * entry gets once typed into, so the input (and its focus) stays put when it joins the list.
 */
function StringList({ field, items, path, ctx, onChange }: { field: FieldSpec; items: unknown[]; path: string; ctx: FieldContext; onChange: (next: unknown) => void }) {
  const locale = useLang();
  const t = useTranslations("settings");
  const [adding, setAdding] = useState(false);
  const minItems = field.minItems ?? 0;
  const rows = adding ? [...items, ""] : items;
  return (
    <div className="list-field" data-testid={`field-${path}`}>
      {rows.map((item, index) => {
        const isNew = index === items.length;
        const errors = ctx.errors[`${path}.${index}`];
        return (
          <div className="list-row inline" key={index} data-testid={isNew ? "new-row" : undefined}>
            <input
              aria-label={`${field.label[locale]} ${index + 1}`}
              aria-invalid={errors ? true : undefined}
              autoFocus={isNew}
              value={typeof item === "string" ? item : ""}
              onChange={(e) => {
                const next = typedEntry(items, index, e.target.value);
                if (!next) return;
                onChange(next);
                if (isNew) setAdding(false);
              }}
              onBlur={() => {
                const next = isNew ? null : withoutBlankEntry(items, index, minItems);
                if (isNew) setAdding(false);
                else if (next) onChange(next);
              }}
            />
            <button type="button" className="ghost" onClick={() => (isNew ? setAdding(false) : onChange(items.filter((_, i) => i !== index)))} disabled={!isNew && items.length <= minItems} aria-label={t("removeRow")}>
              ×
            </button>
            <Errors messages={errors} />
          </div>
        );
      })}
      {!adding && items.length < (field.maxItems ?? Infinity) ? (
        <button type="button" className="add-row" onClick={() => setAdding(true)} data-testid={`add-${path}`}>
          + {t("addRow")}
        </button>
      ) : null}
    </div>
  );
}

function withKey(row: Record<string, unknown>, key: string, next: unknown): Record<string, unknown> {
  const copy = { ...row };
  if (next === undefined) delete copy[key];
  else copy[key] = next;
  return copy;
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
