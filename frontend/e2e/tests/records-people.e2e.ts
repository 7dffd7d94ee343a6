// The registrar's and the investor's records, read from the platform's index through the read API,
// on the market platform.e2e.ts leaves (run.mjs runs this file after it): the registrar finds alice
// by the start of her address, works the 30-day KYC queue (renews a newcomer, who leaves it) and
// sees the two wallets of bob's recovered identity; alice sees her order with its fill at the price
// and fee the chain's Trade event logged, and a statement whose CSV says what the page shows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { parseAbi, type Address } from 'viem';
import { chain, devAccount } from '../chain.js';
import { connectWallet, fill, go, send } from '../dapp.js';
import { env, launchBrowser, screenshot } from '../harness.js';

const alice = devAccount(2).address;
const bob = devAccount(3).address;
const replacement = devAccount(6).address; // bob's wallet was recovered to it in platform.e2e.ts
const newcomer = devAccount(7).address;
const DAY = 86_400n;
const CASH_DECIMALS = 6;
const SHARE_DECIMALS = 0; // ACME, as platform.e2e.ts issued it
const tradeEvent = parseAbi([
  'event Trade(uint256 indexed maker_order_id, address indexed taker, address indexed maker, uint8 taker_side, uint256 tick, uint256 lots, uint256 cash, uint256 maker_fee, uint256 taker_fee)',
])[0];

let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${env.apiUrl}${path.replace(/^\//, '')}?${new URLSearchParams(params)}`);
  assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

const chainNow = async () => (await chain().reader.getBlock()).timestamp;
const dateInput = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().slice(0, 10);

/** A formatted amount as the page shows it ("+720.00 DPESO", "-60 ACME") -> base units. */
function baseUnits(text: string, decimals: number): bigint {
  const match = /([+\-−]?)([\d,]+)(?:\.(\d+))?/.exec(text);
  assert.ok(match, `no amount in ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ''] = match;
  const value = BigInt(whole!.replaceAll(',', '') + fraction.padEnd(decimals, '0'));
  return sign === '-' || sign === '−' ? -value : value;
}

const texts = (locator: Locator) => locator.allInnerTexts().then((all) => all.map((text) => text.trim()));

test('the registrar searches the investors, works the KYC queue and sees the wallets of an identity', async () => {
  const { page } = await connectWallet(browser, [0]);
  await go(page, 'registrar');

  // A newcomer whose KYC expires in 10 days joins the queue.
  const onboard = page.getByTestId('onboard');
  await fill(onboard, { wallet: newcomer, kycReference: 'kyc/newcomer.pdf', country: 'DE', expiry: dateInput((await chainNow()) + 10n * DAY) });
  await send(onboard, onboard.getByRole('button', { name: 'Register' }), 'Register the investor');
  const queue = page.getByTestId('kyc-queue');
  const queued = queue.locator(`[data-testid="kyc-queue-row"][data-wallet="${newcomer.toLowerCase()}"]`);
  await queued.waitFor();
  const due = await api<{ items: { wallet: string }[] }>('/investors', { kyc_expiring_within_days: '30', registered: 'true' });
  assert.deepEqual(
    (await queue.getByTestId('kyc-queue-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-wallet')))).sort(),
    due.items.map((investor) => investor.wallet).sort(),
  );
  await queued.getByText('DE', { exact: true }).waitFor();

  // The registrar searches alice by the start of her address: every row shown starts so, as the index says.
  const list = page.getByTestId('investor-list');
  const prefix = alice.slice(0, 6);
  await fill(list, { 'investor-search': prefix });
  await list.locator(`[data-testid="investor-wallet"][title="${alice.toLowerCase()}"]`).waitFor();
  const found = await api<{ items: { wallet: string }[] }>('/investors', { search: prefix });
  const shown = await list.getByTestId('investor-wallet').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('title')));
  assert.deepEqual(shown, found.items.map((investor) => investor.wallet));
  assert.ok(shown.every((wallet) => wallet!.startsWith(prefix.toLowerCase())));
  await screenshot(page, 'registrar-records');

  // Renewing from the queue opens the manage form on that wallet; renewed, it leaves the queue.
  await queued.getByRole('button', { name: 'Renew' }).click();
  const manage = page.getByTestId('manage-investor');
  assert.equal(await manage.locator('[name="lookup"]').inputValue(), newcomer.toLowerCase());
  await manage.getByTestId('investor-status').getByText('verified').waitFor();
  await fill(manage, { renew: dateInput((await chainNow()) + 400n * DAY) });
  await send(manage, manage.getByRole('button', { name: 'Update KYC' }), 'Update the KYC');
  await queued.waitFor({ state: 'detached' });
  assert.equal((await api<{ items: unknown[] }>('/investors', { kyc_expiring_within_days: '30', search: newcomer.toLowerCase() })).items.length, 0);

  // Bob's identity has two wallets: the one recovered from and the one recovered to.
  await fill(manage, { lookup: bob });
  const wallets = manage.getByTestId('identity-wallets');
  await wallets.getByTestId('identity-recovery').getByText('ACME recovered from', { exact: false }).waitFor();
  const identityWallets = await wallets.getByTestId('identity-wallet').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-wallet')));
  assert.deepEqual(identityWallets.sort(), [bob.toLowerCase(), replacement.toLowerCase()].sort());
  await screenshot(page, 'registrar-identity-wallets');
});

test('the investor sees her order with its fill as the chain logged it, and a statement that matches its CSV', async () => {
  const { page } = await connectWallet(browser, [2]);
  await go(page, 'portfolio');
  const [security] = await api<{ symbol: string; market: Address }[]>('/securities');
  const [trade] = await chain().reader.getLogs({ address: security!.market, event: tradeEvent, args: { maker: alice }, fromBlock: 0n });
  assert.ok(trade, 'platform.e2e.ts left a trade of alice as the maker');
  const { cash, lots, maker_fee: fee } = trade.args as { cash: bigint; lots: bigint; maker_fee: bigint };

  // Her sell of 100 lots rested, then 60 were taken: the average and the fee are the Trade event's.
  const order = page.getByTestId('order-history').getByTestId('order-row').filter({ hasText: 'partially filled' });
  await order.waitFor();
  assert.equal(await order.getByTestId('order-filled').innerText(), `${lots} / 100`);
  assert.equal(baseUnits(await order.getByTestId('order-average').innerText(), CASH_DECIMALS), cash / lots);
  assert.equal(baseUnits(await order.getByTestId('order-fees').innerText(), CASH_DECIMALS), fee);
  await order.getByTestId('order-fill').getByText(`${lots} lots at`, { exact: false }).waitFor();

  // The statement from the trade's day to today.
  const tradeTime = (await chain().reader.getBlock({ blockNumber: trade.blockNumber })).timestamp;
  const statement = page.getByTestId('statement');
  await fill(statement, { 'statement-from': dateInput(tradeTime), 'statement-to': dateInput(await chainNow()) });
  const tradeRows = statement.locator(`[data-testid="statement-movement"][data-tx="${trade.transactionHash}"]`);
  await tradeRows.first().waitFor();
  const tradeAmounts = (await texts(tradeRows.getByTestId('movement-amount'))).sort();
  assert.deepEqual(await texts(tradeRows.getByTestId('movement-cause')), ['trade', 'trade']);
  assert.deepEqual(
    tradeAmounts.map((text) => baseUnits(text, text.endsWith('ACME') ? SHARE_DECIMALS : CASH_DECIMALS)).sort(),
    [cash - fee, -lots].sort(),
  );
  await screenshot(page, 'portfolio-records');

  // The CSV of the same period says what the page shows: each position's two ends and every movement, in order.
  const href = await statement.getByTestId('statement-csv').getAttribute('href');
  const csv = await (await fetch(href!)).text();
  const [header, ...lines] = csv.trim().split(/\r?\n/).map((line) => line.split(','));
  const column = (name: string) => header!.indexOf(name);
  const decimalsOf = (asset: string) => (asset === 'cash' ? CASH_DECIMALS : SHARE_DECIMALS);
  const movements = lines.filter((line) => line[column('line')] === 'movement');
  const movementRows = statement.getByTestId('statement-movement');
  assert.equal(await movementRows.count(), movements.length);
  const causes = await movementRows.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-cause')));
  const amounts = await texts(movementRows.getByTestId('movement-amount'));
  const hashes = await movementRows.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-tx')));
  movements.forEach((line, index) => {
    assert.equal(causes[index], line[column('cause')], `movement ${index}`);
    assert.equal(baseUnits(amounts[index]!, decimalsOf(line[column('asset')]!)), BigInt(line[column('amount')]!));
    assert.equal(hashes[index], line[column('tx_hash')]);
  });
  for (const end of ['opening', 'closing'] as const) {
    for (const line of lines.filter((row) => row[column('line')] === end)) {
      const asset = line[column('asset')]!;
      const shownEnd = await statement.locator(`[data-testid="statement-position"][data-asset="${asset}"]`).getByTestId(`position-${end}`).innerText();
      assert.equal(baseUnits(shownEnd, decimalsOf(asset)), BigInt(line[column('amount')]!), `${asset} ${end}`);
    }
  }
});
