// Candles for the price chart: every trade counted in the interval it falls in (trades of one block
// share a second, so a per-second line would drop all but one of them).
import type { TradePoint } from './market';

/** Chart intervals a person can pick, in seconds. */
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

/**
 * One candle per interval that has trades, oldest first. Trades are taken in the order given within
 * one second (the chain's order: block, then log index), so the open and close are the first and last.
 */
export function buildCandles(trades: readonly TradePoint[], intervalSeconds: number): Candle[] {
  if (!Number.isInteger(intervalSeconds) || intervalSeconds <= 0) throw new Error(`candles: interval must be a positive whole number of seconds, not ${intervalSeconds}`);
  const interval = BigInt(intervalSeconds);
  // A stable sort: trades of the same second keep their chain order.
  const ordered = [...trades].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  const candles: Candle[] = [];
  for (const trade of ordered) {
    const time = Number(trade.timestamp - (trade.timestamp % interval));
    const current = candles[candles.length - 1];
    if (current && current.time === time) {
      if (trade.tick > current.high) current.high = trade.tick;
      if (trade.tick < current.low) current.low = trade.tick;
      current.close = trade.tick;
      current.lots += trade.lots;
      current.trades += 1;
    } else {
      candles.push({ time, open: trade.tick, high: trade.tick, low: trade.tick, close: trade.tick, lots: trade.lots, trades: 1 });
    }
  }
  return candles;
}
