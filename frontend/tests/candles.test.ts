import { describe, expect, it } from 'vitest';
import { buildCandles, CANDLE_INTERVALS } from '../src/lib/candles';
import type { TradePoint } from '../src/lib/market';

const trade = (timestamp: bigint, tick: bigint, lots = 1n): TradePoint => ({ timestamp, tick, lots, cash: lots * tick * 10_000n });

describe('buildCandles', () => {
  it('makes one candle of several trades in one second, each counted', () => {
    // The four seeded trades 12.40–13.00 of one block (ticks of 0.01).
    const sameSecond = [trade(1_000n, 1_240n, 10n), trade(1_000n, 1_300n, 5n), trade(1_000n, 1_220n, 20n), trade(1_000n, 1_260n, 7n)];
    expect(buildCandles(sameSecond, 60)).toEqual([{ time: 960, open: 1_240n, high: 1_300n, low: 1_220n, close: 1_260n, lots: 42n, trades: 4 }]);
  });

  it('starts a candle per interval, aligned to the interval, oldest first', () => {
    const trades = [trade(3_700n, 150n, 2n), trade(10n, 100n), trade(59n, 120n, 3n), trade(60n, 90n)];
    expect(buildCandles(trades, 60)).toEqual([
      { time: 0, open: 100n, high: 120n, low: 100n, close: 120n, lots: 4n, trades: 2 },
      { time: 60, open: 90n, high: 90n, low: 90n, close: 90n, lots: 1n, trades: 1 },
      { time: 3_660, open: 150n, high: 150n, low: 150n, close: 150n, lots: 2n, trades: 1 },
    ]);
    expect(buildCandles(trades, 3_600)).toEqual([
      { time: 0, open: 100n, high: 120n, low: 90n, close: 90n, lots: 5n, trades: 3 },
      { time: 3_600, open: 150n, high: 150n, low: 150n, close: 150n, lots: 2n, trades: 1 },
    ]);
  });

  it('counts every trade of a day in the daily candle', () => {
    const day = CANDLE_INTERVALS.find((interval) => interval.key === '1d')!.seconds;
    const candles = buildCandles([trade(86_400n, 10n), trade(90_000n, 30n), trade(172_799n, 20n)], day);
    expect(candles).toEqual([{ time: 86_400, open: 10n, high: 30n, low: 10n, close: 20n, lots: 3n, trades: 3 }]);
  });

  it('is empty without trades and refuses an interval that is not a positive whole second count', () => {
    expect(buildCandles([], 60)).toEqual([]);
    expect(() => buildCandles([trade(1n, 1n)], 0)).toThrow('candles: interval must be a positive whole number of seconds, not 0');
  });
});
