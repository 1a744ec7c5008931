/**
 * Saves a JSON value as a file in the browser's downloads.
 * @example downloadJson("support-bot.json", toDocument(nodes, edges));
 */
export function downloadJson(filename: string, value: unknown): void {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name from a flow name, keeping Chinese characters. */
export function fileNameFor(name: string): string {
  const base = name.trim().replace(/[\\/:*?"<>|\s]+/g, "-").replace(/^-+|-+$/g, "") || "flow";
  return `${base}.json`;
}
