// Steps every e2e file takes through the dApp: connect a test wallet, open a page, fill a form,
// send a transaction and wait for the dApp to say it confirmed.
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import { env, openSession, type Session } from './harness.js';
import { TestWallet, WALLET_NAME } from './wallet.js';

export interface WalletSession extends Session {
  wallet: TestWallet;
}

/** A browser context with its own test wallet holding `accountIndexes`, connected on the dApp. */
export async function connectWallet(browser: Browser, accountIndexes: number[]): Promise<WalletSession> {
  const session = await openSession(browser);
  const wallet = new TestWallet({ chains: { [env.chainId]: env.rpcUrl }, chainId: env.chainId, accountIndexes });
  await wallet.attach(session.page);
  await session.page.goto(env.appUrl);
  await session.page.getByRole('button', { name: 'Connect wallet' }).click();
  await session.page.getByRole('button', { name: WALLET_NAME }).click();
  await session.page.getByTestId('account').waitFor();
  return { ...session, wallet };
}

export async function go(page: Page, route: string): Promise<void> {
  await page.goto(`${env.appUrl}#/${route}`);
}

/**
 * Clicks `button` and waits for the transaction labelled `label` to confirm; fails with the dApp's own
 * sentence if it fails. A confirmation already on screen from an earlier transaction does not count.
 */
export async function send(scope: Page | Locator, button: Locator, label: string): Promise<void> {
  const statuses = scope.locator('[data-status]');
  const before = new Set(await statuses.allInnerTexts());
  await button.click();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const text of await statuses.allInnerTexts()) {
      if (before.has(text)) continue;
      if (text.includes(`${label}: confirmed`)) return;
      if (text.includes(`${label} failed`)) assert.fail(text);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${label}: no confirmation within 60 s`);
}

export async function fill(scope: Page | Locator, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) await scope.locator(`[name="${name}"]`).fill(value);
}
