// The pre-trade check: everything the contracts would refuse, said in words before the wallet is asked.
import { formatCash, formatShares } from './format';
import type { KycStatus } from './identityRecord';
import { BUY, ORDER_TYPE_MARKET, ORDER_TYPE_POST_ONLY, type Level, type Side } from './market';
import { friendlyRevertReason } from './revertReasons';

export interface Unit {
  decimals: number;
  symbol: string;
}

export interface OrderCheckInput {
  symbol: string;
  /** OrderBook.status(): 1 trading, 2 halted, 3 delisted. */
  marketStatus: number;
  kyc: KycStatus | 'unavailable';
  side: Side;
  orderType: number;
  tick: bigint;
  lots: bigint;
  /** Share base units the order moves (lots × lot size). */
  shares: bigint;
  share: Unit;
  cash: Unit;
  /** The token's ERC-1404 answer for this wallet's side (restriction_to_send / _to_receive) and its message. */
  restriction: { code: number; message: string };
  /** Shares this wallet can still sell: balance less held and frozen. */
  freeShares: bigint;
  cashBalance: bigint;
  /** The order book's cash allowance from this wallet. */
  cashAllowance: bigint;
  /** Cash a buy needs: notional plus the higher of the two fees. */
  cashNeeded: bigint;
  /** The other side of the book, best first. */
  opposite: readonly Level[];
}

export interface OrderCheck {
  /** Why the order would be refused; empty when it can go. */
  refusals: string[];
  /** Cash to approve to the order book first, or 0n. */
  approve: bigint;
  /** What will happen, in a sentence, when nothing refuses it. */
  outcome: string | null;
}

const MARKET_STATUS_REFUSAL: Record<number, string> = {
  2: 'is halted: no order can be placed until it resumes (you can still cancel your orders)',
  3: 'is delisted: it no longer trades',
};

export function checkOrder(input: OrderCheckInput): OrderCheck {
  const refusals: string[] = [];
  const shares = (value: bigint) => formatShares(value, input.share.decimals, input.share.symbol);
  const money = (value: bigint) => formatCash(value, input.cash.decimals, input.cash.symbol);
  const status = MARKET_STATUS_REFUSAL[input.marketStatus];
  if (status) refusals.push(`${input.symbol} ${status}.`);

  if (input.kyc === 'unregistered') refusals.push('Your wallet is not registered: the registrar must verify you (KYC) before you can trade.');
  else if (input.kyc === 'expired') refusals.push('Your KYC verification has expired: ask the registrar to renew it.');
  else if (input.kyc === 'revoked') refusals.push('Your identity has been revoked by the registrar: you cannot trade.');

  const buying = input.side === BUY;
  const bestOpposite = input.opposite[0]?.tick;
  const crosses = bestOpposite !== undefined && (buying ? bestOpposite <= input.tick : bestOpposite >= input.tick);
  const verificationRefused = input.kyc !== 'verified' && (input.restriction.code === 2 || input.restriction.code === 3);
  if (input.restriction.code === 6 && !buying) {
    refusals.push(
      `You have ${shares(input.freeShares)} free to sell (shares held by open orders or frozen do not count); this order needs ${shares(input.shares)}.`,
    );
  } else if (input.restriction.code !== 0 && !verificationRefused) {
    refusals.push(friendlyRevertReason(input.restriction.message));
  }

  let approve = 0n;
  if (buying) {
    if (input.cashBalance < input.cashNeeded) {
      refusals.push(`This order needs ${money(input.cashNeeded)}; your wallet holds ${money(input.cashBalance)}.`);
    } else if (input.cashAllowance < input.cashNeeded) {
      approve = input.cashNeeded;
    }
  }

  if (input.orderType === ORDER_TYPE_POST_ONLY && crosses) {
    refusals.push('A post-only order at this price would trade at once against the book: choose a price that does not cross.');
  }
  const available = input.opposite
    .filter((level) => (buying ? level.tick <= input.tick : level.tick >= input.tick))
    .reduce((sum, level) => sum + level.lots, 0n);
  if (input.orderType === 2 && available < input.lots) {
    refusals.push(`Only ${available} lots are offered at your price or better: a fill-or-kill order for ${input.lots} lots would be refused.`);
  }
  if (input.orderType === ORDER_TYPE_MARKET && available === 0n) {
    refusals.push(`There are no ${buying ? 'sell' : 'buy'} orders at your worst price or better: a market order would not trade.`);
  }

  let outcome: string | null = null;
  if (refusals.length === 0) {
    const filled = available < input.lots ? available : input.lots;
    const rests = input.orderType === 0 || input.orderType === ORDER_TYPE_POST_ONLY;
    if (filled === 0n) outcome = rests ? `Nothing trades now: the order waits on the book for ${input.lots} lots.` : 'Nothing would trade now.';
    else if (filled === input.lots) outcome = `Trades in full now (${filled} lots).`;
    else outcome = `Trades ${filled} lots now; ${rests ? 'the rest waits on the book' : 'the rest is cancelled'}.`;
  }
  return { refusals, approve, outcome };
}
