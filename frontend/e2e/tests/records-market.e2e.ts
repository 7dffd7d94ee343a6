// Candles, the tape and the market list read the platform's index through the read API (issue 14):
// after platform.e2e.ts has traded ACME, the Security page's tape and candles are the chain's Trade
// events, the market list's last price is the last trade, and no page asks the node for trade logs
// from the deployment on (the requests of the dApp's own RPC transport are inspected).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { encodeEventTopics, parseAbi, type Address, type Hex } from 'viem';
import { chain } from '../chain.js';
import { connectWallet, go } from '../dapp.js';
import { env, launchBrowser, openSession, screenshot } from '../harness.js';

const tradeAbi = parseAbi([
  'event Trade(uint256 indexed maker_order_id, address indexed taker, address indexed maker, uint8 taker_side, uint256 tick, uint256 lots, uint256 cash, uint256 maker_fee, uint256 taker_fee)',
]);
const TRADE_TOPIC = encodeEventTopics({ abi: tradeAbi, eventName: 'Trade' })[0]!;
const CANDLE_SECONDS = { '5m': 300, '1d': 86_400 } as const;
const TAPE_LENGTH = 25;
const PESO = 1e6;

let browser: Awaited<ReturnType<typeof launchBrowser>>;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

interface ChainTrade {
  key: string;
  time: number;
  side: 'Buy' | 'Sell';
  lots: bigint;
  /** Cash per lot, as the page prints it. */
  price: string;
}

/** The ACME market's Trade events, oldest first, with their blocks' times. */
async function chainTrades(market: Address): Promise<ChainTrade[]> {
  const reader = chain().reader;
  const logs = await reader.getContractEvents({ address: market, abi: tradeAbi, eventName: 'Trade', fromBlock: 0n });
  const times = new Map<bigint, number>();
  for (const log of logs) {
    if (!times.has(log.blockNumber)) times.set(log.blockNumber, Number((await reader.getBlock({ blockNumber: log.blockNumber })).timestamp));
  }
  return logs.map((log) => ({
    key: `${log.blockNumber}-${log.logIndex}`,
    time: times.get(log.blockNumber)!,
    side: log.args.taker_side === 0 ? 'Buy' : 'Sell',
    lots: log.args.lots!,
    price: (Number(log.args.cash! / log.args.lots!) / PESO).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  }));
}

interface RpcCall {
  method: string;
  params?: unknown[];
}
interface LogFilter {
  /** A block number in hex or a tag; the node reads a missing one as "latest". */
  fromBlock?: string;
  topics?: (Hex | Hex[] | null)[];
}

/** Every JSON-RPC call the page's own transport sends (single or batched). */
function recordRpcCalls(page: Page): RpcCall[] {
  const calls: RpcCall[] = [];
  page.on('request', (request) => {
    if (request.method() !== 'POST' || !request.url().startsWith(env.rpcUrl)) return;
    const body = request.postDataJSON() as RpcCall | RpcCall[];
    calls.push(...(Array.isArray(body) ? body : [body]));
  });
  return calls;
}

/** The eth_getLogs calls that could return Trade events of blocks before `head`. */
function tradeLogsBefore(calls: RpcCall[], head: bigint): LogFilter[] {
  return calls
    .filter((call) => call.method === 'eth_getLogs')
    .map((call) => (call.params?.[0] ?? {}) as LogFilter)
    .filter((filter) => {
      const first = filter.topics?.[0];
      const mayBeTrades = first === undefined || first === null || (Array.isArray(first) ? first : [first]).includes(TRADE_TOPIC);
      const from = filter.fromBlock;
      return mayBeTrades && from !== undefined && (from === 'earliest' || (from.startsWith('0x') && BigInt(from) < head));
    });
}

/** Waits until an element's figures include the chain's latest block (aria-busy cleared). */
async function settled(page: Page, selector: string): Promise<void> {
  await page.locator(`${selector}[aria-busy="false"]`).first().waitFor();
}

test('the tape and the candles of ACME are its Trade events; the market list shows the last trade; no trade logs from block 0', async () => {
  const acme = (await (await fetch(`${env.apiUrl}securities/ACME`)).json()) as { market: Address };
  const trades = await chainTrades(acme.market);
  assert.ok(trades.length >= 1, 'platform.e2e.ts traded ACME');
  const head = await chain().reader.getBlockNumber();

  const { page } = await openSession(browser);
  const calls = recordRpcCalls(page);
  await go(page, 'security/ACME');
  const tape = page.getByTestId('trade-tape');
  await tape.getByTestId('tape-row').first().waitFor();
  await settled(page, '[data-testid="trade-tape"] table');
  const newestFirst = [...trades].reverse().slice(0, TAPE_LENGTH);
  const rows = tape.getByTestId('tape-row');
  assert.deepEqual(await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-trade'))), newestFirst.map((trade) => trade.key));
  for (const [index, trade] of newestFirst.entries()) {
    const cells = await rows.nth(index).locator('td').allInnerTexts();
    assert.equal(cells[1], trade.side);
    assert.ok(cells[2]!.includes(trade.price), `${cells[2]} is ${trade.price} per lot`);
    assert.equal(cells[3], trade.lots.toString());
  }
  await settled(page, '[data-testid="market-figures"]');
  assert.ok((await page.getByTestId('stat-last').innerText()).includes(trades.at(-1)!.price));

  // The candles count every trade, one per interval that has trades, at 5 minutes and at a day.
  const chart = page.getByTestId('price-chart');
  for (const key of ['5m', '1d'] as const) {
    await chart.getByRole('radio', { name: key }).click();
    await chart.getByRole('radio', { name: key, checked: true }).waitFor();
    await settled(page, '[data-testid="price-chart"]');
    const candles = chart.getByTestId('candles');
    const buckets = new Set(trades.map((trade) => Math.floor(trade.time / CANDLE_SECONDS[key])));
    assert.equal(await candles.getAttribute('data-trades'), String(trades.length), key);
    assert.equal(await candles.getAttribute('data-candles'), String(buckets.size), key);
  }
  await screenshot(page, 'records-market-security');

  // The market list: ACME's last price is its last trade.
  await go(page, 'markets');
  const row = page.getByTestId('market-row-ACME');
  await settled(page, '[data-testid="market-row-ACME"]');
  assert.ok((await row.getByTestId('last-price').innerText()).includes(trades.at(-1)!.price));

  // A portfolio is valued from the index too: Alice's page reads no trade log either.
  const investor = await connectWallet(browser, [2]);
  const investorCalls = recordRpcCalls(investor.page);
  await go(investor.page, 'portfolio');
  try {
    await investor.page.getByTestId('holding-ACME').getByTestId('holding-value').getByText('DPESO', { exact: false }).waitFor();
  } finally {
    await screenshot(investor.page, 'records-market-portfolio');
  }

  // The recorder sees the pages' reads (the book, balances), and none of them asks for old trades.
  for (const seen of [calls, investorCalls]) assert.ok(seen.some((call) => call.method === 'eth_call'), 'the RPC calls are recorded');
  assert.deepEqual(tradeLogsBefore([...calls, ...investorCalls], head), [], 'no eth_getLogs for Trade events of past blocks');
});
