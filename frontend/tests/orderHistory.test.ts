import { describe, expect, it } from 'vitest';
import type { ApiFill, ApiOrder } from '../src/lib/api';
import { orderHistory } from '../src/lib/orderHistory';

const market = '0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0';
const other = '0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9';

function order(fields: Partial<ApiOrder>): ApiOrder {
  return {
    market, symbol: 'ACME', order_id: '1', side: 'sell', tick: 1200, lots: 100, remaining: 100, escrow: '0', status: 'open', cancel_reason: null,
    placed_block: 10, placed_tx: '0x01', placed_time: 1_000, updated_time: 1_000, ...fields,
  };
}

function fill(fields: Partial<ApiFill>): ApiFill {
  return {
    market, symbol: 'ACME', block_number: 11, log_index: 0, block_time: 1_100, tx_hash: '0x02', maker_order_id: '1', role: 'maker',
    side: 'sell', tick: 1200, lots: 10, cash: '120000000', fee: '0', ...fields,
  };
}

describe('orderHistory', () => {
  it('gives a resting order its maker fills and the taker fills of the transaction that placed it', () => {
    const [orphan, entry] = orderHistory({
      wallet: market,
      orders: [order({ lots: 40, remaining: 10, status: 'partially_filled' })],
      fills: [
        fill({ role: 'taker', tx_hash: '0x01', maker_order_id: '7', lots: 60, cash: '690000000', tick: 1150, fee: '3000' }),
        fill({ lots: 30, cash: '360000000', fee: '1000' }),
        fill({ maker_order_id: '2', lots: 5, cash: '1' }), // an order this wallet has no row for (recovered to it)
      ],
    });
    expect(orphan).toMatchObject({ filled: 5n, status: 'traded_at_once', tick: null });
    expect(entry).toMatchObject({ side: 'sell', tick: 1200n, lots: 100n, filled: 90n, cash: 1_050_000_000n, fees: 4_000n, status: 'partially_filled' });
    // 1,050 cash over 90 lots: 11.666666… per lot, cut to the cash unit.
    expect(entry!.averagePerLot).toBe(11_666_666n);
    expect(entry!.fills).toHaveLength(2);
  });

  it('makes an order that never rested out of its taker fills, one per transaction and market, newest first', () => {
    const entries = orderHistory({
      wallet: market,
      orders: [],
      fills: [
        fill({ role: 'taker', side: 'buy', tx_hash: '0x03', lots: 20, cash: '240000000', fee: '500', block_time: 2_000 }),
        fill({ role: 'taker', side: 'buy', tx_hash: '0x03', lots: 40, cash: '520000000', fee: '700', block_time: 2_000, log_index: 1, maker_order_id: '3' }),
        fill({ role: 'taker', side: 'buy', tx_hash: '0x03', market: other, lots: 1, cash: '5', block_time: 2_000 }),
        fill({ role: 'taker', side: 'sell', tx_hash: '0x04', lots: 2, cash: '20', block_time: 3_000 }),
      ],
    });
    expect(entries.map((entry) => [entry.side, entry.filled, entry.status, entry.tick])).toEqual([
      ['sell', 2n, 'traded_at_once', null],
      ['buy', 60n, 'traded_at_once', null],
      ['buy', 1n, 'traded_at_once', null],
    ]);
    expect(entries[1]).toMatchObject({ lots: 60n, fees: 1_200n, averagePerLot: 12_666_666n });
  });

  it('has no average price for an order nothing filled', () => {
    const [entry] = orderHistory({ wallet: market, orders: [order({ status: 'cancelled', cancel_reason: 101 })], fills: [] });
    expect(entry).toMatchObject({ filled: 0n, fees: 0n, averagePerLot: null, status: 'cancelled', cancelReason: 101 });
  });
});
