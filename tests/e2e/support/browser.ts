import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { describe, it } from "vitest";
import { signInContext } from "./auth";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const INSTALL = "apt-get install -y chromium fonts-noto-cjk";
export const screenshotDir = path.resolve(__dirname, "../../../test-results");

/**
 * Whether this run skips the tests that need Chromium: only outside CI, and only when the
 * browser is not installed, so `npm test` on a fresh machine runs everything else and says what
 * to install. In CI (CI=true) browser tests never skip: a missing browser fails them, since CI
 * must prove the UI works.
 */
export const skipBrowserTests = !existsSync(CHROMIUM) && !["true", "1"].includes(process.env.CI ?? "");

/** The one line that says why browser tests were skipped (printed once, by the e2e global setup). */
export const browserSkippedNotice = `[e2e] Chromium not found at ${CHROMIUM}: browser tests are skipped. Install it with: ${INSTALL}`;

/** `describe` for a suite that drives Chromium (its setup launches the browser). */
export const describeBrowser = describe.skipIf(skipBrowserTests);
/** `it` for one test that drives Chromium in a suite that otherwise does not. */
export const itBrowser = it.skipIf(skipBrowserTests);

/**
 * Debian's Chromium, headless, with the flags this closed network needs. A missing browser fails
 * the test; suites declared with describeBrowser / itBrowser skip before getting here outside CI.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it with '${INSTALL}' (.ci/run does).`);
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
