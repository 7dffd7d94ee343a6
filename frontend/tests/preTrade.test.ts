import { describe, expect, it } from 'vitest';
import { BUY, SELL } from '../src/lib/market';
import { checkOrder, type OrderCheckInput } from '../src/lib/preTrade';

const base: OrderCheckInput = {
  symbol: 'ACME',
  marketStatus: 1,
  kyc: 'verified',
  side: BUY,
  orderType: 0,
  tick: 1200n,
  lots: 10n,
  shares: 10n,
  share: { decimals: 0, symbol: 'ACME' },
  cash: { decimals: 6, symbol: 'DPESO' },
  restriction: { code: 0, message: 'token: no restriction' },
  freeShares: 0n,
  cashBalance: 1_000_000_000n,
  cashAllowance: 0n,
  cashNeeded: 120_000_000n,
  opposite: [],
};

describe('checkOrder', () => {
  it('lets a covered buy through, asking for the cash approval first, and says it will rest', () => {
    expect(checkOrder(base)).toEqual({ refusals: [], approve: 120_000_000n, outcome: 'Nothing trades now: the order waits on the book for 10 lots.' });
    expect(checkOrder({ ...base, cashAllowance: 120_000_000n }).approve).toBe(0n);
  });

  it('says how much of a crossing order trades now', () => {
    const opposite = [{ tick: 1150n, lots: 4n }, { tick: 1300n, lots: 50n }];
    expect(checkOrder({ ...base, opposite }).outcome).toBe('Trades 4 lots now; the rest waits on the book.');
    expect(checkOrder({ ...base, orderType: 1, opposite }).outcome).toBe('Trades 4 lots now; the rest is cancelled.');
    expect(checkOrder({ ...base, opposite: [{ tick: 1200n, lots: 10n }] }).outcome).toBe('Trades in full now (10 lots).');
  });

  it('refuses a sell beyond the free balance in numbers', () => {
    const check = checkOrder({ ...base, side: SELL, shares: 1000n, lots: 1000n, freeShares: 460n, restriction: { code: 6, message: 'token: insufficient free balance' } });
    expect(check.refusals).toEqual(['You have 460 ACME free to sell (shares held by open orders or frozen do not count); this order needs 1,000 ACME.']);
    expect(check.outcome).toBeNull();
  });

  it('turns any other ERC-1404 refusal into its sentence', () => {
    expect(checkOrder({ ...base, side: SELL, restriction: { code: 4, message: 'token: sender frozen' } }).refusals).toEqual(['The sending wallet is frozen for this security.']);
    expect(checkOrder({ ...base, restriction: { code: 10, message: 'token: recipient country not allowed' } }).refusals).toEqual([
      "This security cannot be held by investors from the recipient's country.",
    ]);
  });

  it('names a missing, expired or revoked KYC once, not twice through the token', () => {
    const unregistered = checkOrder({ ...base, kyc: 'unregistered', restriction: { code: 3, message: 'token: recipient not verified' } });
    expect(unregistered.refusals).toEqual(['Your wallet is not registered: the registrar must verify you (KYC) before you can trade.']);
    expect(checkOrder({ ...base, kyc: 'expired', restriction: { code: 3, message: 'token: recipient not verified' } }).refusals).toEqual(['Your KYC verification has expired: ask the registrar to renew it.']);
    expect(checkOrder({ ...base, kyc: 'revoked', side: SELL, restriction: { code: 2, message: 'token: sender not verified' } }).refusals).toEqual(['Your identity has been revoked by the registrar: you cannot trade.']);
  });

  // Cash reads as money everywhere (two decimals): the refusal once said "needs 42.5 DPESO".
  it('refuses a buy the wallet cannot pay for, in money', () => {
    expect(checkOrder({ ...base, cashBalance: 100_000_000n }).refusals).toEqual(['This order needs 120.00 DPESO; your wallet holds 100.00 DPESO.']);
    expect(checkOrder({ ...base, cashNeeded: 42_500_000n, cashBalance: 1_234_567n }).refusals).toEqual(['This order needs 42.50 DPESO; your wallet holds 1.23 DPESO.']);
  });

  it('refuses on a halted or delisted market', () => {
    expect(checkOrder({ ...base, marketStatus: 2 }).refusals).toEqual(['ACME is halted: no order can be placed until it resumes (you can still cancel your orders).']);
    expect(checkOrder({ ...base, marketStatus: 3 }).refusals).toEqual(['ACME is delisted: it no longer trades.']);
  });

  it('applies the order types: post-only must not cross, fill-or-kill must fill, market needs a book', () => {
    const asks = [{ tick: 1190n, lots: 6n }];
    expect(checkOrder({ ...base, orderType: 3, opposite: asks }).refusals).toEqual(['A post-only order at this price would trade at once against the book: choose a price that does not cross.']);
    expect(checkOrder({ ...base, orderType: 2, opposite: asks }).refusals).toEqual(['Only 6 lots are offered at your price or better: a fill-or-kill order for 10 lots would be refused.']);
    expect(checkOrder({ ...base, orderType: 4 }).refusals).toEqual(['There are no sell orders at your worst price or better: a market order would not trade.']);
    expect(checkOrder({ ...base, side: SELL, freeShares: 10n, orderType: 4, opposite: [{ tick: 1100n, lots: 3n }] }).refusals).toEqual([
      'There are no buy orders at your worst price or better: a market order would not trade.',
    ]);
  });
});
