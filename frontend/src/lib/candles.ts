// Candles for the price chart, as the index builds them (GET /securities/{symbol}/candles): every
// trade counted in the interval it falls in, intervals without a trade left out.
import type { ApiCandle } from './api';

/** Chart intervals a person can pick, in seconds (the API's CANDLE_INTERVALS). */
export const CANDLE_INTERVALS = [
  { key: '1m', label: '1 minute', seconds: 60 },
  { key: '5m', label: '5 minutes', seconds: 300 },
  { key: '1h', label: '1 hour', seconds: 3_600 },
  { key: '1d', label: '1 day', seconds: 86_400 },
] as const;

export interface Candle {
  /** Start of the interval (unix seconds, a multiple of the interval). */
  time: number;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
  /** Lots traded in the interval. */
  lots: bigint;
  trades: number;
}

/** A candle of the API in ticks and lots as bigints, the chart's unit. */
export function candleOf(candle: ApiCandle): Candle {
  return {
    time: candle.start,
    open: BigInt(candle.open),
    high: BigInt(candle.high),
    low: BigInt(candle.low),
    close: BigInt(candle.close),
    lots: BigInt(candle.lots),
    trades: candle.trades,
  };
}
