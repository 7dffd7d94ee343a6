// Shared by the e2e tests: the environment run.mjs prepared, a browser, and screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through \`npm run e2e\``);
  return value;
}

export const env = {
  get appUrl() {
    return required('KEIRETSU_E2E_APP_URL');
  },
  get rpcUrl() {
    return required('KEIRETSU_E2E_RPC_URL');
  },
  get chainId() {
    return Number(required('KEIRETSU_E2E_CHAIN_ID'));
  },
  get screenshots() {
    return required('KEIRETSU_E2E_SCREENSHOTS');
  },
};

/** Debian's chromium with flags that work headless in a container; no browser is downloaded. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Browser console errors, to fail a test on an uncaught page error. */
  pageErrors: string[];
}

/** A fresh context (its own storage) and page. */
export async function openSession(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Session> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  return { context, page, pageErrors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(env.screenshots, { recursive: true });
  const path = join(env.screenshots, `${name}.png`);
  // From the top: a sticky header would otherwise be drawn where the page was scrolled to.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  return path;
}
