import { describe, expect, it } from 'vitest';
import { candleOf, CANDLE_INTERVALS } from '../src/lib/candles';

describe('candleOf', () => {
  it('reads an API candle in ticks and lots, its start as the time', () => {
    expect(candleOf({ start: 960, open: 1_240, high: 1_300, low: 1_220, close: 1_260, lots: 42, cash: '52920000', trades: 4 })).toEqual({
      time: 960,
      open: 1_240n,
      high: 1_300n,
      low: 1_220n,
      close: 1_260n,
      lots: 42n,
      trades: 4,
    });
  });

  it('offers the intervals the API serves', () => {
    expect(CANDLE_INTERVALS.map((interval) => interval.seconds)).toEqual([60, 300, 3_600, 86_400]);
  });
});
