import { expect, it } from "vitest";
import { z } from "zod";
import { getSetting, setSetting } from "@/lib/db/queries/settings";
import { LOCAL_WORKSPACE_ID } from "@/lib/db/schema";
import { forEachDatabase } from "../support/db";

const ws = LOCAL_WORKSPACE_ID;

forEachDatabase("settings", (t) => {
  it("returns undefined for a setting never set", async () => {
    expect(await getSetting(t.db, ws, "never.set")).toBeUndefined();
  });

  it("stores, replaces and reads back JSON values", async () => {
    await setSetting(t.db, ws, "ui.locale", "zh");
    expect(await getSetting(t.db, ws, "ui.locale")).toBe("zh");
    await setSetting(t.db, ws, "ui.locale", "en");
    expect(await getSetting(t.db, ws, "ui.locale")).toBe("en");

    const value = { topK: 4, labels: ["知识库", "FAQ"], nested: { on: true } };
    await setSetting(t.db, ws, "rag.defaults", value);
    expect(await getSetting(t.db, ws, "rag.defaults")).toEqual(value);
    const rows = await t.query("select count(*)::int as n from settings where key = 'ui.locale'");
    expect(rows).toEqual([{ n: 1 }]);
  });

  it("distinguishes a stored null from a missing setting", async () => {
    await setSetting(t.db, ws, "cleared", null);
    expect(await getSetting(t.db, ws, "cleared")).toBeNull();
  });

  it("keeps settings per workspace", async () => {
    await t.query("INSERT INTO workspaces (id, name) VALUES ('other', 'Other') ON CONFLICT DO NOTHING");
    await setSetting(t.db, ws, "theme", "dark");
    await setSetting(t.db, "other", "theme", "light");
    expect(await getSetting(t.db, ws, "theme")).toBe("dark");
    expect(await getSetting(t.db, "other", "theme")).toBe("light");
  });

  it("checks a stored value against a schema when one is given", async () => {
    await setSetting(t.db, ws, "limits", { maxSteps: 100 });
    expect(await getSetting(t.db, ws, "limits", z.object({ maxSteps: z.number().int() }))).toEqual({ maxSteps: 100 });
    await expect(getSetting(t.db, ws, "limits", z.object({ maxSteps: z.string() }))).rejects.toMatchObject({
      code: "internal:settings",
      status: 500,
    });
  });

  it("refuses undefined as a value", async () => {
    await expect(setSetting(t.db, ws, "x", undefined)).rejects.toMatchObject({ status: 400 });
  });
});
