import { afterAll, beforeAll } from "vitest";
import type { Browser } from "playwright-core";
import { startModelServer, type ModelServer } from "../../support/model-server";
import { startApp, type AppServer } from "./app-server";
import { launchBrowser } from "./browser";

export interface Studio {
  models: ModelServer;
  app: AppServer;
  browser: Browser;
}

/**
 * The usual end-to-end setting for a suite: the test model server, the production app pointed at
 * it (logged in as its owner), and Chromium — started before the suite, stopped after it.
 * @example
 * let app: AppServer; let browser: Browser;
 * withStudio({ tokenDelayMs: 5 }, (s) => ({ app, browser } = s));
 */
export function withStudio(opts: Parameters<typeof startModelServer>[0], ready: (studio: Studio) => void): void {
  let models: ModelServer | undefined;
  let app: AppServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    models = await startModelServer(opts);
    app = await startApp({ ollamaBaseUrl: models.url });
    browser = await launchBrowser();
    ready({ models, app, browser });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await models?.close();
  });
}
