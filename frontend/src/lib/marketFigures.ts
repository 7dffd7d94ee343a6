// A market's figures as the index gives them (GET /markets), in the shapes the pages and the
// valuation compute with: the last price, the 24-hour change's base and volume, and the two prices
// a valuation needs (now and a day before).
import type { ApiMarketSummary } from './api';
import type { PricePoint, TradeStats } from './market';

const NO_TRADE: TradeStats = { last: null, reference: null, volumeLots: 0n, volumeCash: 0n, trades: 0 };

/** The 24-hour figures of a market; no price and no volume before its summary has arrived. */
export function tradeStatsOf(summary: ApiMarketSummary | undefined): TradeStats {
  if (!summary) return NO_TRADE;
  return {
    last: summary.last === null ? null : BigInt(summary.last.tick),
    reference: summary.reference_tick === null ? null : BigInt(summary.reference_tick),
    volumeLots: BigInt(summary.volume_lots),
    volumeCash: BigInt(summary.volume_cash),
    trades: summary.trades,
  };
}

/** The trades a valuation prices at (lib/valuation.ts), oldest first: the last one a day before `at`, and the last. */
export function pricePointsOf(summary: ApiMarketSummary | undefined): PricePoint[] {
  if (!summary) return [];
  return [summary.day_before, summary.last].flatMap((tick) => (tick ? [{ timestamp: BigInt(tick.block_time), tick: BigInt(tick.tick) }] : []));
}

/** The summary of the market of `symbol`, if the index lists it. */
export function summaryOf(summaries: readonly ApiMarketSummary[] | undefined, symbol: string): ApiMarketSummary | undefined {
  return summaries?.find((summary) => summary.symbol === symbol);
}
