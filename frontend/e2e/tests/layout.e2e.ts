// Every page as every role at a desktop and a phone width, on the market platform.e2e.ts leaves
// (run.mjs runs this file after it): no page scrolls sideways, no cell or input cuts its text, and
// the header says who the wallet is. Screenshots: e2e/screenshots/<page>-<role>-<width>.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { env, launchBrowser, layoutProblems, openSession, screenshot } from '../harness.js';
import { TestWallet, WALLET_NAME } from '../wallet.js';

const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/** The wallets platform.e2e.ts leaves: the operator (also registrar and transfer agent), ACME's issuer, and an investor with an open order. */
const ROLES = { operator: 0, issuer: 1, investor: 2, visitor: null } as const;
type Role = keyof typeof ROLES;

let browser: Browser;
const pages = new Map<Role, Page>();
const errors = new Map<Role, string[]>();

async function open(role: Role): Promise<Page> {
  const { page, pageErrors } = await openSession(browser);
  errors.set(role, pageErrors);
  const index = ROLES[role];
  if (index !== null) await new TestWallet({ chains: { [env.chainId]: env.rpcUrl }, chainId: env.chainId, accountIndexes: [index] }).attach(page);
  await page.goto(env.appUrl);
  await page.getByTestId('market-row-ACME').waitFor({ timeout: 20_000 }).catch(() => {
    throw new Error('no ACME on the markets page: run this file after platform.e2e.ts (E2E_ONLY=platform,layout)');
  });
  if (index !== null) {
    await page.getByRole('button', { name: 'Connect wallet' }).click();
    await page.getByRole('button', { name: WALLET_NAME }).click();
    await page.getByTestId('account').waitFor();
  }
  return page;
}

/** Follows an in-app link the role may not have in its header (a reload would reconnect the wallet). */
async function go(page: Page, route: string): Promise<void> {
  await page.evaluate((hash) => (window.location.hash = hash), `#/${route}`);
}

/** Each page, opened as a person does (from the header and the market list), ready when its figures are on screen. */
const PAGES: Record<string, (page: Page, role: Role) => Promise<void>> = {
  markets: async (page) => {
    await page.getByRole('link', { name: 'Markets' }).click();
    await page.getByTestId('market-row-ACME').getByTestId('last-price').getByText('12.00', { exact: false }).waitFor();
  },
  security: async (page, role) => {
    await page.getByRole('link', { name: 'Markets' }).click();
    await page.getByTestId('market-row-ACME').getByRole('link', { name: 'ACME' }).click();
    await page.getByTestId('trade-tape').getByTestId('tape-row').first().waitFor();
    await page.getByTestId('price-chart').locator('canvas').first().waitFor();
    if (role === 'investor') await page.getByTestId('open-orders').getByTestId('open-order').first().waitFor();
  },
  portfolio: async (page, role) => {
    await page.getByRole('link', { name: 'Portfolio' }).click();
    if (role === 'visitor') await page.locator('main').getByText('Connect a wallet', { exact: false }).first().waitFor();
    else await page.getByTestId('portfolio-address').waitFor();
    if (role === 'investor') {
      await page.getByTestId('holding-ACME').waitFor();
      await page.getByTestId('order-row').first().waitFor();
      await page.getByTestId('statement-movement').first().waitFor();
      await page.getByTestId('dividend-row').first().waitFor();
    }
  },
  issuer: async (page, role) => {
    await go(page, 'issuer');
    if (role === 'visitor') await page.locator('main').getByText('Connect a wallet', { exact: false }).first().waitFor();
    else if (role === 'investor') await page.getByTestId('not-issuer').waitFor();
    else await page.getByTestId('market-control').waitFor();
    if (role === 'issuer') {
      await page.getByTestId('declared-dividend').first().waitFor();
      // The records the read API gives: the register, the subscribers and each dividend's outstanding total.
      for (const testId of ['register-row', 'subscriber-row', 'outstanding-total']) await page.getByTestId(testId).first().waitFor();
    }
  },
  registrar: async (page, role) => {
    await go(page, 'registrar');
    if (role === 'visitor') await page.locator('main').getByText('Connect a wallet', { exact: false }).first().waitFor();
    else if (role === 'operator') await page.getByTestId('investor-row').first().waitFor();
    else await page.getByTestId('not-registrar').waitFor();
  },
};

before(async () => {
  browser = await launchBrowser();
  for (const role of Object.keys(ROLES) as Role[]) pages.set(role, await open(role));
});
after(async () => {
  await browser?.close();
});

test('no page scrolls sideways or cuts a cell, for any role, at 1280 px and 390 px', async () => {
  const problems: string[] = [];
  for (const viewport of WIDTHS) {
    for (const [role, page] of pages) {
      await page.setViewportSize(viewport);
      for (const [name, visit] of Object.entries(PAGES)) {
        await visit(page, role);
        for (const problem of await layoutProblems(page)) problems.push(`${name} as ${role} at ${viewport.width} px: ${problem}`);
        await screenshot(page, `${name}-${role}-${viewport.width}`);
      }
    }
  }
  assert.deepEqual(problems, []);
  for (const [role, thrown] of errors) assert.deepEqual(thrown, [], `${role}: no page threw`);
});

test('the header says what each wallet is, and no one sees a badge that is not theirs', async () => {
  const expected: Record<Exclude<Role, 'visitor'>, { role: string; kyc: string | null }> = {
    operator: { role: 'Operator · Registrar · Transfer agent', kyc: null },
    issuer: { role: 'Issuer of ACME', kyc: 'KYC verified' },
    investor: { role: 'Investor', kyc: 'KYC verified' },
  };
  for (const viewport of WIDTHS) {
    for (const [role, { role: label, kyc }] of Object.entries(expected) as [Exclude<Role, 'visitor'>, (typeof expected)['operator']][]) {
      const page = pages.get(role)!;
      await page.setViewportSize(viewport);
      await go(page, 'markets');
      const badge = page.getByTestId('roles-badge');
      await badge.getByText(label, { exact: true }).waitFor();
      assert.ok(await badge.isVisible(), `${role} at ${viewport.width} px: the role badge is visible`);
      if (kyc === null) assert.equal(await page.getByTestId('kyc-badge').count(), 0, `${role} at ${viewport.width} px: no KYC badge`);
      else await page.getByTestId('kyc-badge').getByText(kyc).waitFor();
      // The header holds one row on a desktop.
      if (viewport.width === 1280) {
        const height = await page.locator('header.topbar').evaluate((element) => element.getBoundingClientRect().height);
        assert.ok(height < 60, `${role}: the header is ${height} px high (wrapped onto two rows)`);
      }
    }
  }
  // The operator's issuer desk shows what the operator may do there, without a holder's cash hint.
  const operator = pages.get('operator')!;
  await go(operator, 'issuer');
  await operator.getByTestId('market-control').waitFor();
  assert.equal(await operator.getByText('You hold', { exact: false }).count(), 0, 'no "You hold … DPESO" for the operator');
  assert.equal(await operator.getByTestId('dividend-desk').count(), 0, 'the operator declares no dividend');
  assert.equal(await pages.get('visitor')!.getByTestId('roles-badge').count(), 0);
});
