// A wallet's orders with their fills, from the read API's /wallets/{address}/orders. The API lists
// the orders that rested on a book and every fill apart; here each fill joins the order it belongs to:
// a maker fill the order it met, a taker fill the order placed in the same transaction (it traded
// before its remainder rested). Taker fills of an order that never rested (filled at once, or an
// immediate-or-cancel) become an order of their own, whose limit price no event logs.
import type { ApiFill, ApiOrder, ApiWalletOrders } from './api';
import { averageLotPrice } from './orderReport';

export type OrderStatus = ApiOrder['status'] | 'traded_at_once';

export interface OrderEntry {
  key: string;
  market: string;
  symbol: string;
  side: 'buy' | 'sell';
  /** The limit price in ticks; null for an order that never rested (not logged). */
  tick: bigint | null;
  /** As the wallet placed it: what traded at once plus what rested. */
  lots: bigint;
  filled: bigint;
  /** Cash the fills moved, fees apart. */
  cash: bigint;
  fees: bigint;
  /** Cash per lot over every fill, cut to the cash unit; null before any fill. */
  averagePerLot: bigint | null;
  status: OrderStatus;
  /** OrderCancelled.reason of a cancelled order. */
  cancelReason: number | null;
  time: number;
  fills: ApiFill[];
}

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  open: 'open',
  partially_filled: 'partially filled',
  filled: 'filled',
  cancelled: 'cancelled',
  traded_at_once: 'traded at once',
};

function entry(base: Omit<OrderEntry, 'filled' | 'cash' | 'fees' | 'averagePerLot'>): OrderEntry {
  const { fills } = base;
  const filled = fills.reduce((sum, fill) => sum + BigInt(fill.lots), 0n);
  const cash = fills.reduce((sum, fill) => sum + BigInt(fill.cash), 0n);
  return {
    ...base,
    filled,
    cash,
    fees: fills.reduce((sum, fill) => sum + BigInt(fill.fee), 0n),
    averagePerLot: averageLotPrice({ filledLots: filled, notional: cash }),
  };
}

/** Every order of the wallet with its fills, newest first. */
export function orderHistory({ orders, fills }: ApiWalletOrders): OrderEntry[] {
  const claimed = new Set<ApiFill>();
  const take = (match: (fill: ApiFill) => boolean) => {
    const found = fills.filter((fill) => !claimed.has(fill) && match(fill));
    found.forEach((fill) => claimed.add(fill));
    return found;
  };
  const rested = orders.map((order) => {
    const mine = take(
      (fill) =>
        fill.market === order.market &&
        ((fill.role === 'maker' && fill.maker_order_id === order.order_id) || (fill.role === 'taker' && fill.tx_hash === order.placed_tx)),
    );
    const atOnce = mine.filter((fill) => fill.role === 'taker').reduce((sum, fill) => sum + BigInt(fill.lots), 0n);
    return entry({
      key: `${order.market}-${order.order_id}`,
      market: order.market,
      symbol: order.symbol,
      side: order.side,
      tick: BigInt(order.tick),
      lots: BigInt(order.lots) + atOnce,
      status: order.status,
      cancelReason: order.cancel_reason,
      time: order.placed_time,
      fills: mine,
    });
  });
  const immediate = new Map<string, ApiFill[]>();
  for (const fill of fills) {
    if (claimed.has(fill)) continue;
    const key = `${fill.market}-${fill.tx_hash}-${fill.role}`;
    immediate.set(key, [...(immediate.get(key) ?? []), fill]);
  }
  const atOnce = [...immediate].map(([key, group]) => {
    const first = group[0]!;
    const lots = group.reduce((sum, fill) => sum + BigInt(fill.lots), 0n);
    return entry({ key, market: first.market, symbol: first.symbol, side: first.side, tick: null, lots, status: 'traded_at_once', cancelReason: null, time: first.block_time, fills: group });
  });
  return [...rested, ...atOnce].sort((a, b) => b.time - a.time || (a.key < b.key ? -1 : 1));
}
