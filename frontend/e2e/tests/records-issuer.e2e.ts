// The issuer's records on the Issuer page, on the market platform.e2e.ts leaves (run.mjs runs this
// file after it): ACME's shareholder register today and at the first dividend's record date, its CSV
// download, the offering's subscribers and the unpaid holders of each dividend (a new one claimed by
// one of its two holders) — every figure compared with the chain's own views.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { parseAbi, type Address } from 'viem';
import { chain, devAccount, manifest } from '../chain.js';
import { connectWallet, fill, go, send } from '../dapp.js';
import { env, launchBrowser, screenshot } from '../harness.js';

const alice = devAccount(2).address;
const bob = devAccount(3).address;
/** Bob's wallet was recovered to it in platform.e2e.ts. */
const heir = devAccount(6).address;

const tokenAbi = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function balanceOfAt(address, uint256) view returns (uint256)',
  'function totalSupply() view returns (uint256)',
]);
const offeringAbi = parseAbi([
  'function subscription_of(address) view returns (uint256)',
  'function allocation_of(address) view returns (uint256)',
  'function is_settled(address) view returns (bool)',
]);
const dividendsAbi = parseAbi([
  'function entitlement(address, uint256, address) view returns (uint256)',
  'function claimed(address, uint256, address) view returns (bool)',
  'function dividend_count(address) view returns (uint256)',
]);

interface Listing {
  token: Address;
  offering: Address;
}

let browser: Browser;
let page: Page;
let pageErrors: string[];
let acme: Listing;

async function api<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path, env.apiUrl));
  if (!response.ok) assert.fail(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const dividends = () => manifest().contracts.Dividends!.address;
const value = async (cell: Locator) => BigInt((await cell.getAttribute('data-value'))!);
const row = (scope: Locator, testId: string, attribute: string, address: Address) => scope.locator(`[data-testid="${testId}"][${attribute}="${address.toLowerCase()}"]`);

before(async () => {
  browser = await launchBrowser();
  acme = await api<Listing>('securities/ACME');
  ({ page, pageErrors } = await connectWallet(browser, [1]));
  await go(page, 'issuer');
});
after(async () => {
  await screenshot(page, 'last-records-issuer').catch(() => undefined);
  await browser?.close();
});

test("the register today holds the chain's balances and supply", async () => {
  const { reader } = chain();
  const register = page.getByTestId('shareholder-register');
  const heirBalance = await reader.readContract({ address: acme.token, abi: tokenAbi, functionName: 'balanceOf', args: [heir] });
  // The index may trail the chain a moment: wait for the recovered shares, then compare every figure.
  await row(register, 'register-row', 'data-account', heir).getByText(`${heirBalance} ACME`).waitFor();
  for (const holder of [alice, heir]) {
    const onChain = await reader.readContract({ address: acme.token, abi: tokenAbi, functionName: 'balanceOf', args: [holder] });
    assert.equal(await value(row(register, 'register-row', 'data-account', holder).getByTestId('register-balance')), onChain, holder);
  }
  // Bob's shares went to his new wallet: he holds none and is not listed.
  assert.equal(await reader.readContract({ address: acme.token, abi: tokenAbi, functionName: 'balanceOf', args: [bob] }), 0n);
  assert.equal(await row(register, 'register-row', 'data-account', bob).count(), 0);
  const supply = await reader.readContract({ address: acme.token, abi: tokenAbi, functionName: 'totalSupply' });
  await register.getByTestId('register-summary').getByText(`supply ${supply.toLocaleString('en-US')} ACME`, { exact: false }).waitFor();
  await screenshot(page, 'issuer-register');
});

test("the register at the first dividend's record date, and its CSV, hold the token's balances then", async () => {
  const { reader } = chain();
  const register = page.getByTestId('shareholder-register');
  const select = register.locator('[name="register-date"]');
  const option = select.locator('option', { hasText: 'Dividend #1' });
  await option.waitFor({ state: 'attached' });
  const recordDateId = BigInt((await option.getAttribute('value'))!);
  await select.selectOption(recordDateId.toString());
  const atRecord = async (holder: Address) => reader.readContract({ address: acme.token, abi: tokenAbi, functionName: 'balanceOfAt', args: [holder, recordDateId] });
  // Bob held his 460 shares then; his new wallet held none.
  await row(register, 'register-row', 'data-account', bob).getByText('460 ACME').waitFor();
  for (const holder of [alice, bob]) {
    assert.equal(await value(row(register, 'register-row', 'data-account', holder).getByTestId('register-balance')), await atRecord(holder), holder);
  }
  assert.equal(await row(register, 'register-row', 'data-account', heir).count(), 0);

  const [download] = await Promise.all([page.waitForEvent('download'), register.getByTestId('register-csv').click()]);
  const [header, ...lines] = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
  const columns = header!.split(',');
  const rows = lines.map((line) => Object.fromEntries(line.split(',').map((cell, index) => [columns[index], cell])));
  assert.deepEqual(rows.map((r) => r.account).sort(), [alice, bob].map((a) => a.toLowerCase()).sort(), 'the CSV lists the holders then');
  for (const r of rows) assert.equal(BigInt(r.balance!), await atRecord(r.account as Address), r.account);
});

test("the offering's subscribers are the offering's, each settled with its allocation", async () => {
  const { reader } = chain();
  const subscribers = page.getByTestId('offering-subscribers');
  for (const investor of [alice, bob]) {
    const line = row(subscribers, 'subscriber-row', 'data-investor', investor);
    await line.getByText('allocated').waitFor();
    const [subscribed, allocated, settled] = await Promise.all([
      reader.readContract({ address: acme.offering, abi: offeringAbi, functionName: 'subscription_of', args: [investor] }),
      reader.readContract({ address: acme.offering, abi: offeringAbi, functionName: 'allocation_of', args: [investor] }),
      reader.readContract({ address: acme.offering, abi: offeringAbi, functionName: 'is_settled', args: [investor] }),
    ]);
    assert.ok(settled, investor);
    assert.equal(await value(line.getByTestId('subscriber-subscribed')), subscribed, investor);
    assert.equal(await value(line.getByTestId('subscriber-allocated')), allocated, investor);
  }
  assert.equal(await subscribers.getByTestId('subscriber-row').count(), 2);
});

test("each dividend's unpaid holders are the chain's: none on the first, the unclaimed one on a new one", async () => {
  const { reader, travel } = chain();
  const desk = page.getByTestId('dividend-desk');
  // The first dividend was claimed by alice and by bob's new wallet: nothing is outstanding.
  const first = desk.locator('[data-testid="dividend-outstanding"][data-dividend="1"]');
  await first.getByText('0.00 DPESO outstanding to 0 holders').waitFor();
  for (const holder of [alice, bob]) {
    assert.ok(await reader.readContract({ address: dividends(), abi: dividendsAbi, functionName: 'claimed', args: [acme.token, 1n, holder] }), holder);
  }

  await fill(desk, { 'dividend-amount': '100' });
  await send(desk, desk.getByRole('button', { name: 'Declare' }), 'Declare a dividend on ACME');
  const dividendId = await reader.readContract({ address: dividends(), abi: dividendsAbi, functionName: 'dividend_count', args: [acme.token] });
  await travel(3 * 86_400); // past its record date (1 day) and payment date (2 days)
  const entitlement = (holder: Address) =>
    reader.readContract({ address: dividends(), abi: dividendsAbi, functionName: 'entitlement', args: [acme.token, dividendId, holder] });
  const claimed = (holder: Address) => reader.readContract({ address: dividends(), abi: dividendsAbi, functionName: 'claimed', args: [acme.token, dividendId, holder] });

  // Alice claims from her portfolio; bob's new wallet does not.
  const investor = await connectWallet(browser, [2]);
  await go(investor.page, 'portfolio');
  const claimable = investor.page.getByTestId('dividend-row').filter({ has: investor.page.getByRole('button', { name: 'Claim' }) });
  await send(investor.page.getByTestId('dividends'), claimable.getByRole('button', { name: 'Claim' }), 'Claim the ACME dividend');
  assert.deepEqual([await claimed(alice), await claimed(heir)], [true, false]);

  // The issuer's desk lists the new wallet alone, owed what the contract says; the total is its share.
  const latest = desk.locator(`[data-testid="dividend-outstanding"][data-dividend="${dividendId}"]`);
  await latest.getByText('outstanding to 1 holder', { exact: false }).waitFor();
  await latest.locator('summary').click();
  const heirShare = await entitlement(heir);
  assert.ok(heirShare > 0n);
  assert.equal(await value(latest.getByTestId('outstanding-total')), heirShare);
  assert.equal(await row(latest, 'unpaid-holder', 'data-holder', alice).count(), 0);
  const unpaid = row(latest, 'unpaid-holder', 'data-holder', heir);
  assert.equal(await value(unpaid.getByTestId('unpaid-amount')), heirShare);
  assert.equal(await value(unpaid.getByTestId('unpaid-due')), heirShare);
  await screenshot(page, 'issuer-dividend-outstanding');
  // Alice's payment is the contract's entitlement, paid in full.
  const payments = await api<{ items: { holder: string; entitled: string; paid: string }[] }>(`securities/ACME/dividends/${dividendId}/payments`);
  const alicePayment = payments.items.find((item) => item.holder === alice.toLowerCase())!;
  assert.deepEqual([BigInt(alicePayment.entitled), BigInt(alicePayment.paid)], [await entitlement(alice), await entitlement(alice)]);
  assert.deepEqual([...pageErrors, ...investor.pageErrors], [], 'no page threw');
});
