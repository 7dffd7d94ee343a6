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
  /** The read API over the index, ending with a slash. */
  get apiUrl() {
    return required('KEIRETSU_E2E_API_URL');
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

/** Where a page overflows: wider than the viewport, or a cell, input or box whose content is cut. */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const viewport = window.innerWidth;
    const name = (element: Element) => {
      const text = (element instanceof HTMLInputElement ? `${element.name || element.type} input “${element.value}”` : (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)) || element.tagName.toLowerCase();
      const owner = element.closest('[data-testid]')?.getAttribute('data-testid');
      return `${element.tagName.toLowerCase()} “${text}”${owner ? ` in ${owner}` : ''}`;
    };
    const page = document.documentElement.scrollWidth;
    if (page > viewport) {
      // The innermost elements that reach past the right edge are the ones to name.
      const outside = Array.from(document.body.querySelectorAll('*')).filter(
        (element) => element.getBoundingClientRect().right > viewport + 1 && !Array.from(element.children).some((child) => child.getBoundingClientRect().right > viewport + 1),
      );
      problems.push(`the page is ${page} px wide in a ${viewport} px window (past the edge: ${outside.slice(0, 4).map(name).join(', ')})`);
    }
    const clips = (element: Element) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(element).overflowX);
    for (const element of Array.from(document.querySelectorAll('th, td, input, select, button, .badge, .stat__value'))) {
      if ((element as HTMLElement).offsetParent === null || element.closest('.chart')) continue;
      if (element.scrollWidth > element.clientWidth + 1) {
        problems.push(`${name(element)} is cut (${element.scrollWidth} px of text in ${element.clientWidth} px)`);
        continue;
      }
      // A box that scrolls sideways hides whatever lies past its edge (a table wider than its card),
      // and a cell or button past its card's edge looks outside it.
      const right = element.getBoundingClientRect().right;
      for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
        const card = box.classList.contains('card');
        if (!clips(box) && !card) continue;
        const edge = box.getBoundingClientRect().right;
        if (right > edge + 1) problems.push(`${name(element)} lies ${Math.round(right - edge)} px past the edge of its ${card ? 'card' : 'scrolling box'}`);
        break;
      }
    }
    // A date or time input narrower than its own text (Chromium cuts it without a scrollbar).
    const canvas = document.createElement('canvas').getContext('2d')!;
    for (const input of Array.from(document.querySelectorAll<HTMLInputElement>('input[type="date"], input[type="datetime-local"]'))) {
      if (input.offsetParent === null) continue;
      const style = getComputedStyle(input);
      canvas.font = `${style.fontSize} ${style.fontFamily}`;
      const text = input.type === 'date' ? '12/31/2026' : '12/31/2026, 12:00 PM';
      // The text, the padding and the calendar button.
      const needed = canvas.measureText(text).width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 28;
      if (input.clientWidth < needed) problems.push(`${name(input)} is cut (${input.clientWidth} px for about ${Math.ceil(needed)} px of date)`);
    }
    // A short text cell broken onto three lines or more (a date one word per line).
    for (const cell of Array.from(document.querySelectorAll('th, td'))) {
      if ((cell as HTMLElement).offsetParent === null || cell.children.length > 0 || cell.closest('.chart')) continue;
      const range = document.createRange();
      range.selectNodeContents(cell);
      const lines = new Set(Array.from(range.getClientRects()).filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top))).size;
      const words = (cell.textContent ?? '').trim().split(/\s+/).length;
      if (lines >= 3 && words <= 4) problems.push(`${name(cell)} wraps onto ${lines} lines`);
    }
    return problems;
  });
}
