import { OrderBookAbi } from '@generated/abis';
import { encodeAbiParameters, encodeEventTopics, erc20Abi, keccak256, type Abi, type Address, type Log } from 'viem';
import { describe, expect, it } from 'vitest';
import { formatCash, formatPrice } from '../src/lib/format';
import { BUY, SELL } from '../src/lib/market';
import { averageLotPrice, decodeOrderReport, describeOrderReport } from '../src/lib/orderReport';

const market: Address = '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0';
const otherMarket: Address = '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9';
const cashToken: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const wallet: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const maker: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const TICK = 10_000n; // 0.01 DPESO per lot
const format = { money: (value: bigint) => formatCash(value, 6, 'DPESO'), price: (tick: bigint) => formatPrice(tick, { tickSize: TICK, cashDecimals: 6, cashSymbol: 'DPESO' }) };

/** A log as eth_getTransactionReceipt returns it (viem's Log), encoded from the contract's ABI. */
function receiptLog(abi: Abi, eventName: string, args: Record<string, unknown>, address: Address, logIndex: number): Log {
  const event = abi.find((item) => item.type === 'event' && item.name === eventName);
  if (!event || event.type !== 'event') throw new Error(eventName);
  const unindexed = event.inputs.filter((input) => !input.indexed);
  return {
    address,
    topics: encodeEventTopics({ abi, eventName, args } as never) as Log['topics'],
    data: encodeAbiParameters(unindexed, unindexed.map((input) => args[input.name!])),
    blockHash: keccak256('0x60'),
    blockNumber: 96n,
    logIndex,
    transactionHash: keccak256('0x01'),
    transactionIndex: 0,
    removed: false,
  };
}

const trade = (logIndex: number, tick: bigint, lots: bigint, takerSide = BUY, feeBps = 10n) => {
  const cash = lots * tick * TICK;
  return receiptLog(OrderBookAbi, 'Trade', { maker_order_id: BigInt(logIndex), taker: wallet, maker, taker_side: takerSide, tick, lots, cash, maker_fee: 0n, taker_fee: (cash * feeBps + 9_999n) / 10_000n }, market, logIndex);
};
const cashTransfer = (logIndex: number, value: bigint) => receiptLog(erc20Abi, 'Transfer', { from: wallet, to: maker, value }, cashToken, logIndex);

describe('decodeOrderReport', () => {
  // The buy: 100 lots at 13.20 filled 90 at 13.00 and 10 at 13.20, a 10 bps taker fee.
  it('sums the fills of a buy that swept two levels, with their fees', () => {
    const logs = [cashTransfer(0, 1_170_000_000n), trade(1, 1300n, 90n), cashTransfer(2, 132_000_000n), trade(3, 1320n, 10n)];
    const report = decodeOrderReport(logs, market, wallet, { side: BUY, lots: 100n })!;
    expect(report).toMatchObject({ filledLots: 100n, notional: 1_302_000_000n, fees: 1_302_000n, cash: 1_303_302_000n, rested: null, cancelled: null, skipped: [], credited: 0n });
    expect(averageLotPrice(report)).toBe(13_020_000n);
    expect(describeOrderReport(report, format)).toEqual(['Filled 100 of 100 lots at an average 13.02 DPESO per lot.', 'Paid 1,303.30 DPESO, fees of 1.30 DPESO included.']);
  });

  it('reports what rests on the book and the escrow a resting buy holds', () => {
    const placed = receiptLog(OrderBookAbi, 'OrderPlaced', { order_id: 77n, owner: wallet, side: BUY, tick: 1200n, lots: 40n, order_type: 0, expiry: 0n, escrow: 480_480_000n, maker_fee_bps: 10n }, market, 2);
    const report = decodeOrderReport([trade(0, 1190n, 60n), placed], market, wallet, { side: BUY, lots: 100n })!;
    expect(report.rested).toEqual({ orderId: 77n, tick: 1200n, lots: 40n, escrow: 480_480_000n });
    expect(describeOrderReport(report, format)).toEqual([
      'Filled 60 of 100 lots at an average 11.90 DPESO per lot.',
      'Paid 714.71 DPESO, fees of 0.71 DPESO included.',
      '40 lots rest on the book at 12.00 DPESO per lot; 480.48 DPESO is held for it.',
    ]);
  });

  it('says why the rest of an immediate-or-cancel sell was cancelled, and what the book skipped', () => {
    const skippedOwn = receiptLog(OrderBookAbi, 'OrderCancelled', { order_id: 5n, owner: wallet, lots: 3n, reason: 102 }, market, 0);
    const unfilled = receiptLog(OrderBookAbi, 'TakerUnfilled', { taker: wallet, side: SELL, tick: 1100n, lots: 7n, order_type: 1, fill_bound_reached: false }, market, 2);
    const credited = receiptLog(OrderBookAbi, 'CashCredited', { owner: wallet, amount: 35_965_000n }, market, 3);
    const report = decodeOrderReport([skippedOwn, trade(1, 1200n, 3n, SELL), unfilled, credited], market, wallet, { side: SELL, lots: 10n })!;
    expect(report).toMatchObject({ filledLots: 3n, cash: 36_000_000n - 36_000n, cancelled: { lots: 7n }, credited: 35_965_000n });
    expect(describeOrderReport(report, format)).toEqual([
      'Filled 3 of 10 lots at an average 12.00 DPESO per lot.',
      'Received 35.96 DPESO after fees of 0.03 DPESO.',
      '7 lots were cancelled: nothing more was offered at your price, and an immediate-or-cancel order never rests.',
      '3 lots of your own resting order were cancelled instead of trading: self-trade prevented.',
      '35.96 DPESO could not be paid to your wallet and waits for you on the order book (withdraw it from your portfolio).',
    ]);
  });

  it('names the fill bound when it cut the order off', () => {
    const unfilled = receiptLog(OrderBookAbi, 'TakerUnfilled', { taker: wallet, side: BUY, tick: 1400n, lots: 8n, order_type: 0, fill_bound_reached: true }, market, 1);
    const report = decodeOrderReport([trade(0, 1300n, 2n), unfilled], market, wallet, { side: BUY, lots: 10n })!;
    expect(report.cancelled?.why).toBe('it met the most resting orders one order may fill, and the book still crosses its price');
  });

  it('ignores other markets and other takers, and finds nothing in a receipt without the order', () => {
    const elsewhere = { ...trade(0, 1300n, 9n), address: otherMarket };
    expect(decodeOrderReport([elsewhere, cashTransfer(1, 5n)], market, wallet, { side: BUY, lots: 9n })).toBeNull();
    const someoneElse = receiptLog(OrderBookAbi, 'Trade', { maker_order_id: 1n, taker: maker, maker: wallet, taker_side: SELL, tick: 1300n, lots: 1n, cash: 13_000_000n, maker_fee: 0n, taker_fee: 0n }, market, 0);
    expect(decodeOrderReport([someoneElse], market, wallet, { side: BUY, lots: 1n })).toBeNull();
  });
});
