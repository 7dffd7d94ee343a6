import { describe, expect, it } from 'vitest';
import { tradeOf } from '../src/data/indexed';
import type { ApiTrade } from '../src/lib/api';
import { BUY, SELL } from '../src/lib/market';

const market = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const apiTrade: ApiTrade = {
  block_number: 48,
  log_index: 3,
  tx_hash: `0x${'ab'.repeat(32)}`,
  block_time: 1_796_000_000,
  maker_order_id: '1',
  maker: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
  taker: '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc',
  taker_side: 'buy',
  tick: 1_200,
  lots: 60,
  cash: '720000000',
  maker_fee: '0',
  taker_fee: '0',
};

describe('tradeOf', () => {
  it('reads an API trade in the chain spelling of addresses and bigints, on the market given', () => {
    expect(tradeOf(apiTrade, market)).toEqual({
      market,
      taker: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
      maker: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      takerSide: BUY,
      tick: 1_200n,
      lots: 60n,
      cash: 720_000_000n,
      timestamp: 1_796_000_000n,
      blockNumber: 48n,
      transactionHash: apiTrade.tx_hash,
      logIndex: 3,
    });
    expect(tradeOf({ ...apiTrade, taker_side: 'sell' }, market).takerSide).toBe(SELL);
  });
});
