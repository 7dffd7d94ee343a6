// Reads of the platform's index (the read API) that a page makes inside a chain read (useLive), where
// the useApi hook cannot follow the index: they wait until the index has read the block the page reads
// the chain at, so that no figure is shown from an index still behind that block.
import { getAddress, type Address, type PublicClient } from 'viem';
import { deployment } from '../config/deployment';
import { ApiError, apiGet, INDEX_CATCH_UP_MS, type ApiMarketSummary, type ApiRecovery, type ApiTrade, type QueryParams } from '../lib/api';
import { BUY, SELL, type PricePoint } from '../lib/market';
import { pricePointsOf, summaryOf } from '../lib/marketFigures';
import type { Security, Trade } from './platform';

// Past this many tries the index is stopped or far behind, and the page says so.
const CATCH_UP_TRIES = 20;

/** GETs a path of the API once the index has read `block` (asking again every INDEX_CATCH_UP_MS until then). */
async function apiGetAt<T>(path: string, params: QueryParams, block: bigint): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const answer = await apiGet<T>(deployment.apiUrl, path, params);
    if (answer.indexBlock === undefined || answer.indexBlock >= block) return answer.data;
    if (attempt === CATCH_UP_TRIES) {
      throw new ApiError(`The platform's index has read up to block ${answer.indexBlock} of ${block}: its figures would be out of date.`, undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, INDEX_CATCH_UP_MS));
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

/** Each security's prices for the valuation (by symbol), from the index, as of chain time `now`. */
export async function loadIndexedPrices(client: PublicClient, securities: Security[], now: bigint): Promise<Map<string, PricePoint[]>> {
  const summaries = await apiGetAt<ApiMarketSummary[]>('/markets', { at: now }, await client.getBlockNumber());
  return new Map(securities.map((security) => [security.symbol, pricePointsOf(summaryOf(summaries, security.symbol))]));
}

/**
 * Per security token, the wallets whose holdings were recovered into `wallet`, along chains of
 * recoveries (their unclaimed dividends are the wallet's to claim), from the index.
 */
export async function loadRecoveredFrom(client: PublicClient, wallet: Address): Promise<Map<Address, Address[]>> {
  const recoveries = await apiGetAt<ApiRecovery[]>(`/wallets/${wallet}/recovered-from`, {}, await client.getBlockNumber());
  const byToken = new Map<Address, Address[]>();
  for (const recovery of recoveries) {
    const token = getAddress(recovery.token);
    byToken.set(token, [...(byToken.get(token) ?? []), getAddress(recovery.lost_wallet)]);
  }
  return byToken;
}
