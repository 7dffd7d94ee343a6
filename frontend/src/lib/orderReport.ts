// What one place_order did, read from its receipt's OrderBook events: the fills (Trade), the rest that
// rests (OrderPlaced) or is cancelled (TakerUnfilled), the resting orders the book cancelled instead of
// filling (OrderCancelled) and cash it credited because paying it failed (CashCredited).
import { OrderBookAbi } from '@generated/abis';
import { isAddressEqual, parseEventLogs, type Address, type Log } from 'viem';
import { BUY, cancelReason, ORDER_TYPE_MARKET, type Side } from './market';

/** OrderBook.IMMEDIATE_OR_CANCEL. */
const ORDER_TYPE_IOC = 1;

export interface OrderReport {
  side: Side;
  requestedLots: bigint;
  filledLots: bigint;
  /** Cash value of the fills at their prices, before fees. */
  notional: bigint;
  /** The wallet's own (taker) fees on the fills. */
  fees: bigint;
  /** Cash the wallet paid for a buy (notional plus fees) or received for a sell (notional less fees). */
  cash: bigint;
  rested: { orderId: bigint; tick: bigint; lots: bigint; escrow: bigint } | null;
  cancelled: { lots: bigint; why: string } | null;
  /** Resting orders met on the way that the book cancelled instead of filling. */
  skipped: { lots: bigint; why: string; own: boolean }[];
  /** Cash the book kept for the wallet to withdraw because paying it failed. */
  credited: bigint;
}

function unfilledReason(orderType: number, fillBoundReached: boolean): string {
  if (fillBoundReached) return 'it met the most resting orders one order may fill, and the book still crosses its price';
  if (orderType === ORDER_TYPE_MARKET) return 'nothing more was offered up to your worst price, and a market order never rests';
  if (orderType === ORDER_TYPE_IOC) return 'nothing more was offered at your price, and an immediate-or-cancel order never rests';
  return 'it could not rest without crossing the book';
}

/**
 * The report of the order `wallet` placed on `market`, from its receipt's logs (any contract's logs may
 * be among them: the token's and the cash token's are ignored). Null when the logs hold no trace of it.
 */
export function decodeOrderReport(logs: readonly Log[], market: Address, wallet: Address, request: { side: Side; lots: bigint }): OrderReport | null {
  const events = parseEventLogs({ abi: OrderBookAbi, logs: logs as Log[], strict: true }).filter((log) => isAddressEqual(log.address, market));
  const report: OrderReport = { side: request.side, requestedLots: request.lots, filledLots: 0n, notional: 0n, fees: 0n, cash: 0n, rested: null, cancelled: null, skipped: [], credited: 0n };
  let traced = false;
  for (const event of events) {
    switch (event.eventName) {
      case 'Trade':
        if (!isAddressEqual(event.args.taker, wallet)) break;
        traced = true;
        report.filledLots += event.args.lots;
        report.notional += event.args.cash;
        report.fees += event.args.taker_fee;
        break;
      case 'OrderPlaced':
        if (!isAddressEqual(event.args.owner, wallet)) break;
        traced = true;
        report.rested = { orderId: event.args.order_id, tick: event.args.tick, lots: event.args.lots, escrow: event.args.escrow };
        break;
      case 'TakerUnfilled':
        if (!isAddressEqual(event.args.taker, wallet)) break;
        traced = true;
        report.cancelled = { lots: event.args.lots, why: unfilledReason(event.args.order_type, event.args.fill_bound_reached) };
        break;
      case 'OrderCancelled':
        report.skipped.push({ lots: event.args.lots, why: cancelReason(event.args.reason), own: isAddressEqual(event.args.owner, wallet) });
        break;
      case 'CashCredited':
        if (isAddressEqual(event.args.owner, wallet)) report.credited += event.args.amount;
        break;
    }
  }
  if (!traced) return null;
  report.cash = request.side === BUY ? report.notional + report.fees : report.notional - report.fees;
  return report;
}

/** Cash per lot the fills averaged, cut to the base unit; null when nothing filled. */
export function averageLotPrice(report: Pick<OrderReport, 'filledLots' | 'notional'>): bigint | null {
  return report.filledLots === 0n ? null : report.notional / report.filledLots;
}

/** The report in sentences, money through `money` and a price in ticks through `price`. */
export function describeOrderReport(report: OrderReport, format: { money: (value: bigint) => string; price: (tick: bigint) => string }): string[] {
  const lines: string[] = [];
  const average = averageLotPrice(report);
  if (average === null) lines.push(`Nothing traded (0 of ${report.requestedLots} lots).`);
  else {
    lines.push(`Filled ${report.filledLots} of ${report.requestedLots} lots at an average ${format.money(average)} per lot.`);
    lines.push(
      report.side === BUY
        ? `Paid ${format.money(report.cash)}, fees of ${format.money(report.fees)} included.`
        : `Received ${format.money(report.cash)} after fees of ${format.money(report.fees)}.`,
    );
  }
  if (report.rested) {
    const escrow = report.side === BUY ? `; ${format.money(report.rested.escrow)} is held for it` : '';
    lines.push(`${report.rested.lots} lots rest on the book at ${format.price(report.rested.tick)} per lot${escrow}.`);
  }
  if (report.cancelled) lines.push(`${report.cancelled.lots} lots were cancelled: ${report.cancelled.why}.`);
  for (const skipped of report.skipped) {
    lines.push(`${skipped.lots} lots of ${skipped.own ? 'your own resting order' : 'a resting order'} were cancelled instead of trading: ${skipped.why}.`);
  }
  if (report.credited > 0n) lines.push(`${format.money(report.credited)} could not be paid to your wallet and waits for you on the order book (withdraw it from your portfolio).`);
  return lines;
}
