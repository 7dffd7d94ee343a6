import { describe, expect, it } from 'vitest';
import { DAY } from '../src/lib/market';
import { markAt, valueHolding, valuePortfolio, type PriceSource } from '../src/lib/valuation';

const NOW = 1_790_000_000n;
const TICK = 10_000n; // 0.01 DPESO
const trade = (timestamp: bigint, tick: bigint) => ({ timestamp, tick, lots: 1n, cash: tick * TICK });
// ANDES as seeded: an offering at 12.50 per share, then trades by other wallets.
const andes: PriceSource = { trades: [trade(NOW - 2n * DAY, 1240n), trade(NOW - DAY - 5n, 1260n), trade(NOW - 60n, 1300n)], tickSize: TICK, lotSize: 1n, offering: { price: 12_500_000n, lot: 1n } };

describe('markAt', () => {
  it("prices at the book's last trade up to the moment, whoever traded", () => {
    expect(markAt(andes, NOW)).toEqual({ cashPerLot: 13_000_000n, lotShares: 1n, source: 'trade' });
    expect(markAt(andes, NOW - DAY)).toEqual({ cashPerLot: 12_600_000n, lotShares: 1n, source: 'trade' });
  });
  it('falls back to the offering price before the first trade, and to nothing without an offering', () => {
    expect(markAt(andes, NOW - 3n * DAY)).toEqual({ cashPerLot: 12_500_000n, lotShares: 1n, source: 'offering' });
    expect(markAt({ ...andes, offering: null }, NOW - 3n * DAY)).toBeNull();
  });
  it('reads an offering lot of several shares per price', () => {
    const mark = markAt({ ...andes, trades: [], offering: { price: 80_000_000n, lot: 10n } }, NOW)!;
    expect(valueHolding(25n, { ...andes, trades: [], offering: { price: 80_000_000n, lot: 10n } }, NOW).value).toBe(200_000_000n);
    expect(mark.source).toBe('offering');
  });
});

describe('valueHolding and valuePortfolio', () => {
  it('values shares now and against the price of 24 hours of chain time ago', () => {
    expect(valueHolding(460n, andes, NOW)).toMatchObject({ value: 5_980_000_000n, change: 460n * 400_000n });
  });
  it('measures the change from the offering price when the first trade is less than a day old', () => {
    const fresh = { ...andes, trades: [trade(NOW - 60n, 1200n)], offering: { price: 10_000_000n, lot: 1n } };
    expect(valueHolding(460n, fresh, NOW)).toMatchObject({ value: 5_520_000_000n, change: 920_000_000n });
  });
  it('totals holdings and cash; an unpriced holding is counted apart, not as zero', () => {
    const priced = valueHolding(460n, andes, NOW);
    const unpriced = valueHolding(10n, { ...andes, trades: [], offering: null }, NOW);
    expect(unpriced).toEqual({ mark: null, value: null, change: null });
    expect(valuePortfolio([priced, unpriced], 1_000_000_000n)).toEqual({
      holdings: 5_980_000_000n,
      cash: 1_000_000_000n,
      total: 6_980_000_000n,
      change: 184_000_000n,
      previousTotal: 6_796_000_000n,
      unpriced: 1,
    });
  });
});
