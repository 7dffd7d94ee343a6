// Reads of the platform's index (the read API) that a page makes inside a chain read (useLive), where
// the useApi hook cannot follow the index: they wait until the index has read the block the page reads
// the chain at, so that no figure is shown from an index still behind that block.
import { getAddress, type Address, type PublicClient } from 'viem';
import { deployment } from '../config/deployment';
import { ApiError, apiGet, type ApiMarketSummary, type ApiTrade, type QueryParams } from '../lib/api';
import { BUY, SELL, type PricePoint } from '../lib/market';
import { pricePointsOf, summaryOf } from '../lib/marketFigures';
import type { Security, Trade } from './platform';

// The index follows the chain within a second; past this it is stopped or far behind, and the page says so.
const CATCH_UP_MS = 500;
const CATCH_UP_TRIES = 20;
// The history shows the wallet's latest 40 entries: no more of its trades per market can show.
const WALLET_TRADES = 40;

/** GETs a path of the API once the index has read `block` (asking again every CATCH_UP_MS until then). */
export async function apiGetAt<T>(path: string, params: QueryParams, block: bigint): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const answer = await apiGet<T>(deployment.apiUrl, path, params);
    if (answer.indexBlock === undefined || answer.indexBlock >= block) return answer.data;
    if (attempt === CATCH_UP_TRIES) {
      throw new ApiError(`The platform's index has read up to block ${answer.indexBlock} of ${block}: prices and trades would be out of date.`, undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, CATCH_UP_MS));
  }
}

/** A trade of the API as the pages compute with it, on the market `market` (the chain's spelling of its address). */
export function tradeOf(trade: ApiTrade, market: Address): Trade {
  return {
    market,
    taker: getAddress(trade.taker),
    maker: getAddress(trade.maker),
    takerSide: trade.taker_side === 'buy' ? BUY : SELL,
    tick: BigInt(trade.tick),
    lots: BigInt(trade.lots),
    cash: BigInt(trade.cash),
    timestamp: BigInt(trade.block_time),
    blockNumber: BigInt(trade.block_number),
    transactionHash: trade.tx_hash,
    logIndex: trade.log_index,
  };
}

/**
 * From the index, as of chain time `now`: each security's prices for the valuation (by symbol), and the
 * wallet's latest trades on every market, for its history.
 */
export async function loadIndexedTrades(client: PublicClient, securities: Security[], wallet: Address, now: bigint) {
  const block = await client.getBlockNumber();
  const traded = securities.filter((security) => security.market);
  const [summaries, walletTrades] = await Promise.all([
    apiGetAt<ApiMarketSummary[]>('/markets', { at: now }, block),
    Promise.all(
      traded.map(async (security) => {
        const trades = await apiGetAt<ApiTrade[]>(`/securities/${encodeURIComponent(security.symbol)}/trades/latest`, { wallet, limit: WALLET_TRADES }, block);
        return trades.map((trade) => tradeOf(trade, security.market!));
      }),
    ),
  ]);
  const prices = new Map<string, PricePoint[]>(traded.map((security) => [security.symbol, pricePointsOf(summaryOf(summaries, security.symbol))]));
  return { prices, trades: walletTrades.flat() };
}
