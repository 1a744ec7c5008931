import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { signInContext } from "./auth";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const screenshotDir = path.resolve(__dirname, "../../../test-results");

/**
 * Debian's Chromium, headless, with the flags this closed network needs. A missing browser fails
 * the test (it never silently skips: CI must prove the UI works).
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' (.ci/run does).`);
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    // playwright gives every launch a fresh, empty profile directory.
  });
}

/** A browser context logged in as the owner of the app started last (pass `signedIn: false` for a stranger). */
export async function newContext(browser: Browser, locale: "en-US" | "zh-CN", opts: { signedIn?: boolean; origin?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
  if (opts.signedIn ?? true) await signInContext(context, opts.origin);
  return context;
}
