import { describe, expect, it } from 'vitest';
import type { ApiMarketSummary } from '../src/lib/api';
import { DAY } from '../src/lib/market';
import { pricePointsOf, summaryOf, tradeStatsOf } from '../src/lib/marketFigures';
import { valueHolding } from '../src/lib/valuation';

const now = 1_000_000;
const summary: ApiMarketSummary = {
  symbol: 'ACME',
  market: '0x0000000000000000000000000000000000000001',
  at: now,
  last: { block_time: now - 10, tick: 1_210 },
  day_before: { block_time: now - 90_000, tick: 1_000 },
  reference_tick: 1_000,
  volume_lots: 5,
  volume_cash: '60300000',
  trades: 2,
};

describe('tradeStatsOf', () => {
  it('reads the last price, the change base and the 24-hour volume as bigints', () => {
    expect(tradeStatsOf(summary)).toEqual({ last: 1_210n, reference: 1_000n, volumeLots: 5n, volumeCash: 60_300_000n, trades: 2 });
  });
  it('has no price and no volume for a market without trades, or before its summary arrived', () => {
    const none = { last: null, reference: null, volumeLots: 0n, volumeCash: 0n, trades: 0 };
    expect(tradeStatsOf({ ...summary, last: null, day_before: null, reference_tick: null, volume_lots: 0, volume_cash: '0', trades: 0 })).toEqual(none);
    expect(tradeStatsOf(undefined)).toEqual(none);
  });
});

describe('pricePointsOf', () => {
  it('gives the valuation the price a day before and the last price', () => {
    const points = pricePointsOf(summary);
    expect(points).toEqual([{ timestamp: BigInt(now - 90_000), tick: 1_000n }, { timestamp: BigInt(now - 10), tick: 1_210n }]);
    // 10 lots of 1 share at ticks of 10,000 base units: worth 121,000,000 now, 100,000,000 a day before.
    const valued = valueHolding(10n, { trades: points, tickSize: 10_000n, lotSize: 1n, offering: null }, BigInt(now));
    expect([valued.value, valued.change]).toEqual([121_000_000n, 21_000_000n]);
  });
  it('leaves the day before to the offering price when nothing traded then', () => {
    const points = pricePointsOf({ ...summary, day_before: null });
    const valued = valueHolding(1n, { trades: points, tickSize: 10_000n, lotSize: 1n, offering: { price: 10_000_000n, lot: 1n } }, BigInt(now));
    expect([valued.value, valued.change, valued.mark?.source]).toEqual([12_100_000n, 2_100_000n, 'trade']);
    expect(points.every((point) => point.timestamp > BigInt(now) - DAY)).toBe(true);
  });
  it('is empty without a summary', () => {
    expect(pricePointsOf(undefined)).toEqual([]);
  });
});

describe('summaryOf', () => {
  it('finds a market by its symbol', () => {
    expect(summaryOf([summary], 'ACME')).toBe(summary);
    expect(summaryOf([summary], 'NOPE')).toBeUndefined();
    expect(summaryOf(undefined, 'ACME')).toBeUndefined();
  });
});
