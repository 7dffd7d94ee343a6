// Reads of the platform's live state from the chain, shaped for the pages. Every function takes a viem
// public client, so that a page asks for what it shows and nothing else. No history is read from
// event logs here: histories come from the platform's index through the read API (data/indexed.ts,
// hooks/useApi.ts), as a production node serves logs only over short block ranges.
import {
  CashTokenAbi,
  DividendsAbi,
  IssuanceFactoryAbi,
  OfferingAbi,
  OrderBookAbi,
  SecurityTokenAbi,
  ShareholderVotesAbi,
} from '@generated/abis';
import { hexToString, keccak256, stringToHex, zeroAddress, type Address, type Hex, type PublicClient } from 'viem';
import { deployment } from '../config/deployment';
import { BUY, SELL, type Level, type TradePoint } from '../lib/market';

// The identity registry is the token implementation contract (contracts/lib/identity_registry.vy).
export const registryAbi = SecurityTokenAbi;

export const contracts = {
  factory: deployment.contracts.IssuanceFactory?.address,
  registry: deployment.contracts.IdentityRegistry?.address,
  cash: deployment.contracts.CashToken?.address,
  dividends: deployment.contracts.Dividends?.address,
  votes: deployment.contracts.ShareholderVotes?.address,
};

export const ROLE = {
  registrar: keccak256(stringToHex('REGISTRAR_ROLE')),
  operator: keccak256(stringToHex('OPERATOR_ROLE')),
  agent: keccak256(stringToHex('AGENT_ROLE')),
  issuer: keccak256(stringToHex('ISSUER_ROLE')),
};

export interface CashInfo {
  address: Address;
  symbol: string;
  decimals: number;
}

export async function loadCash(client: PublicClient): Promise<CashInfo | null> {
  if (!contracts.cash) return null;
  const address = contracts.cash;
  const [symbol, decimals] = await Promise.all([
    client.readContract({ address, abi: CashTokenAbi, functionName: 'symbol' }),
    client.readContract({ address, abi: CashTokenAbi, functionName: 'decimals' }),
  ]);
  return { address, symbol, decimals };
}

export interface OfferingInfo {
  address: Address;
  state: number;
  price: bigint;
  lot: bigint;
  minPerInvestor: bigint;
  maxPerInvestor: bigint;
  softCap: bigint;
  hardCap: bigint;
  totalSubscribed: bigint;
  progressBps: bigint;
  startTime: bigint;
  endTime: bigint;
  /** Offering.WITHDRAWAL_CUTOFF: withdrawals close this many seconds before the end. */
  withdrawalCutoff: bigint;
}

export async function loadOffering(client: PublicClient, address: Address): Promise<OfferingInfo> {
  const read = <F extends 'state' | 'price' | 'lot' | 'min_per_investor' | 'max_per_investor' | 'soft_cap' | 'hard_cap' | 'total_subscribed' | 'progress' | 'start_time' | 'end_time' | 'WITHDRAWAL_CUTOFF'>(functionName: F) =>
    client.readContract({ address, abi: OfferingAbi, functionName });
  const [state, price, lot, minPerInvestor, maxPerInvestor, softCap, hardCap, totalSubscribed, progressBps, startTime, endTime, withdrawalCutoff] = await Promise.all([
    read('state'),
    read('price'),
    read('lot'),
    read('min_per_investor'),
    read('max_per_investor'),
    read('soft_cap'),
    read('hard_cap'),
    read('total_subscribed'),
    read('progress'),
    read('start_time'),
    read('end_time'),
    read('WITHDRAWAL_CUTOFF'),
  ]);
  return { address, state: Number(state), price, lot, minPerInvestor, maxPerInvestor, softCap, hardCap, totalSubscribed, progressBps, startTime, endTime, withdrawalCutoff };
}

export interface Security {
  index: number;
  isin: string;
  token: Address;
  issuer: Address;
  market: Address | null;
  offering: OfferingInfo | null;
  status: number;
  listedAt: bigint;
  name: string;
  symbol: string;
  decimals: number;
  totalSupply: bigint;
  holders: bigint;
  paused: boolean;
  /** Share base units per lot and cash base units per tick (null without a market). */
  lotSize: bigint;
  tickSize: bigint;
  marketStatus: number;
  bestBid: bigint;
  bestBidLots: bigint;
  bestAsk: bigint;
  bestAskLots: bigint;
}

async function loadSecurityAt(client: PublicClient, index: number): Promise<Security> {
  const listing = await client.readContract({ address: contracts.factory!, abi: IssuanceFactoryAbi, functionName: 'security_at', args: [BigInt(index)] });
  const token = listing.token;
  const tokenRead = <F extends 'name' | 'symbol' | 'decimals' | 'totalSupply' | 'holder_count' | 'paused'>(functionName: F) =>
    client.readContract({ address: token, abi: SecurityTokenAbi, functionName });
  const market = listing.market === zeroAddress ? null : listing.market;
  const [name, symbol, decimals, totalSupply, holders, paused, marketFacts, offering] = await Promise.all([
    tokenRead('name'),
    tokenRead('symbol'),
    tokenRead('decimals'),
    tokenRead('totalSupply'),
    tokenRead('holder_count'),
    tokenRead('paused'),
    market
      ? Promise.all([
          client.readContract({ address: market, abi: OrderBookAbi, functionName: 'lot_size' }),
          client.readContract({ address: market, abi: OrderBookAbi, functionName: 'tick_size' }),
          client.readContract({ address: market, abi: OrderBookAbi, functionName: 'status' }),
          client.readContract({ address: market, abi: OrderBookAbi, functionName: 'best_bid_ask' }),
        ])
      : null,
    listing.offering === zeroAddress ? null : loadOffering(client, listing.offering),
  ]);
  const [lotSize, tickSize, marketStatus, [bestBid, bestBidLots, bestAsk, bestAskLots]] = marketFacts ?? [1n, 1n, 0, [0n, 0n, 0n, 0n]];
  return {
    index,
    isin: listing.isin,
    token,
    issuer: listing.issuer,
    market,
    offering,
    status: Number(listing.status),
    listedAt: listing.listed_at,
    name,
    symbol,
    decimals: Number(decimals),
    totalSupply,
    holders,
    paused,
    lotSize,
    tickSize,
    marketStatus: Number(marketStatus),
    bestBid,
    bestBidLots,
    bestAsk,
    bestAskLots,
  };
}

export async function loadSecurities(client: PublicClient): Promise<Security[]> {
  if (!contracts.factory) return [];
  const count = await client.readContract({ address: contracts.factory, abi: IssuanceFactoryAbi, functionName: 'security_count' });
  return Promise.all(Array.from({ length: Number(count) }, (_, index) => loadSecurityAt(client, index)));
}

/** A trade of a market, as the index gives it (data/indexed.ts tradeOf). */
export interface Trade extends TradePoint {
  market: Address;
  taker: Address;
  maker: Address;
  takerSide: number;
  blockNumber: bigint;
  transactionHash: Hex;
  logIndex: number;
}

export interface Book {
  bids: Level[];
  asks: Level[];
  status: number;
  makerFeeBps: bigint;
  takerFeeBps: bigint;
}

export async function loadBook(client: PublicClient, market: Address, levels = 12): Promise<Book> {
  const [bids, asks, status, [makerFeeBps, takerFeeBps]] = await Promise.all([
    client.readContract({ address: market, abi: OrderBookAbi, functionName: 'depth', args: [BUY, BigInt(levels)] }),
    client.readContract({ address: market, abi: OrderBookAbi, functionName: 'depth', args: [SELL, BigInt(levels)] }),
    client.readContract({ address: market, abi: OrderBookAbi, functionName: 'status' }),
    client.readContract({ address: market, abi: OrderBookAbi, functionName: 'fees' }),
  ]);
  const level = ([tick, lots]: readonly [bigint, bigint]): Level => ({ tick, lots });
  return { bids: bids.map(level), asks: asks.map(level), status: Number(status), makerFeeBps, takerFeeBps };
}

export interface OpenOrder {
  id: bigint;
  market: Address;
  side: number;
  tick: bigint;
  lots: bigint;
  expiry: bigint;
}

export async function loadOpenOrders(client: PublicClient, market: Address, owner: Address): Promise<OpenOrder[]> {
  const ids = (
    await Promise.all(
      [BUY, SELL].map((side) => client.readContract({ address: market, abi: OrderBookAbi, functionName: 'open_orders', args: [owner, side, 50n, 100n] })),
    )
  ).flat();
  const orders = await Promise.all(ids.map((id) => client.readContract({ address: market, abi: OrderBookAbi, functionName: 'order', args: [id] })));
  return orders.map(([, side, tick, lots, expiry], index) => ({ id: ids[index]!, market, side: Number(side), tick, lots, expiry }));
}

export interface Holding {
  balance: bigint;
  held: bigint;
  frozen: bigint;
  free: bigint;
  walletFrozen: boolean;
}

export async function loadHolding(client: PublicClient, token: Address, owner: Address): Promise<Holding> {
  const args = [owner] as const;
  const [balance, held, frozen, free, walletFrozen] = await Promise.all([
    client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'balanceOf', args }),
    client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'held_balance', args }),
    client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'getFrozenTokens', args }),
    client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'free_balance', args }),
    client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'isFrozen', args }),
  ]);
  return { balance, held, frozen, free, walletFrozen };
}

export interface CashPosition {
  balance: bigint;
  allowance: bigint;
}

export async function loadCashPosition(client: PublicClient, owner: Address, spender: Address | null): Promise<CashPosition> {
  const cash = contracts.cash!;
  const [balance, allowance] = await Promise.all([
    client.readContract({ address: cash, abi: CashTokenAbi, functionName: 'balanceOf', args: [owner] }),
    spender ? client.readContract({ address: cash, abi: CashTokenAbi, functionName: 'allowance', args: [owner, spender] }) : 0n,
  ]);
  return { balance, allowance };
}

export interface DocumentEntry {
  name: string;
  uri: string;
  hash: Hex;
  updatedAt: bigint;
}

export async function loadDocuments(client: PublicClient, token: Address): Promise<DocumentEntry[]> {
  const names = await client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'getAllDocuments' });
  const documents = await Promise.all(names.map((name) => client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'getDocument', args: [name] })));
  return documents.map(([uri, hash, updatedAt], index) => ({ name: hexToString(names[index]!, { size: 32 }).replace(/\0+$/, ''), uri, hash, updatedAt }));
}

export interface DividendView {
  token: Address;
  id: bigint;
  /** 0 once the issuer cancelled it (Dividends.cancel). */
  amount: bigint;
  cancelled: boolean;
  recordDateId: bigint;
  recordTimestamp: bigint;
  paymentDate: bigint;
  expiry: bigint;
  claimedTotal: bigint;
  /** The supply the dividend is shared over, fixed once `settled` (at the first payment after the record date). */
  settled: boolean;
  eligibleSupply: bigint;
  entitlement: bigint;
  claimed: boolean;
  /** Set when the dividend is a recovered wallet's, paid to this wallet through `claim_recovered`. */
  recoveredFrom?: Address;
}

export async function loadDividends(client: PublicClient, token: Address, holder: Address | undefined): Promise<DividendView[]> {
  if (!contracts.dividends) return [];
  const address = contracts.dividends;
  const count = await client.readContract({ address, abi: DividendsAbi, functionName: 'dividend_count', args: [token] });
  return Promise.all(
    // Dividend ids count from 1.
    Array.from({ length: Number(count) }, async (_, index) => {
      const id = BigInt(index + 1);
      const [info, entitlement, claimed] = await Promise.all([
        client.readContract({ address, abi: DividendsAbi, functionName: 'dividend', args: [token, id] }),
        holder ? client.readContract({ address, abi: DividendsAbi, functionName: 'entitlement', args: [token, id, holder] }).catch(() => 0n) : 0n,
        holder ? client.readContract({ address, abi: DividendsAbi, functionName: 'claimed', args: [token, id, holder] }) : false,
      ]);
      return {
        token,
        id,
        amount: info.amount,
        cancelled: info.amount === 0n,
        recordDateId: info.record_date_id,
        recordTimestamp: info.record_timestamp,
        paymentDate: info.payment_date,
        expiry: info.expiry,
        claimedTotal: info.claimed,
        settled: info.settled,
        eligibleSupply: info.eligible_supply,
        entitlement,
        claimed,
      };
    }),
  );
}

/** The dividends of `token` due to `wallet`, and those of `lostWallets`, whose holdings were recovered to it. */
export async function loadWalletDividends(client: PublicClient, token: Address, wallet: Address, lostWallets: Address[]): Promise<DividendView[]> {
  const own = await loadDividends(client, token, wallet);
  const inherited = await Promise.all(
    lostWallets.map(async (lostWallet) => (await loadDividends(client, token, lostWallet)).map((dividend) => ({ ...dividend, recoveredFrom: lostWallet }))),
  );
  return [...own, ...inherited.flat()];
}

export interface VoteView {
  token: Address;
  id: bigint;
  question: string;
  choices: readonly string[];
  recordDateId: bigint;
  recordTimestamp: bigint;
  /** 0 once the issuer cancelled it (ShareholderVotes.cancel_vote). */
  closesAt: bigint;
  cancelled: boolean;
  tally: readonly bigint[];
  ballot: { voted: boolean; choice: bigint; weight: bigint } | null;
  /** The voter's weight at the record date, once it is reached. */
  weight: bigint;
}

export async function loadVotes(client: PublicClient, token: Address, voter: Address | undefined, now: bigint): Promise<VoteView[]> {
  if (!contracts.votes) return [];
  const address = contracts.votes;
  const count = await client.readContract({ address, abi: ShareholderVotesAbi, functionName: 'vote_count', args: [token] });
  return Promise.all(
    // Vote ids count from 1.
    Array.from({ length: Number(count) }, async (_, index) => {
      const id = BigInt(index + 1);
      const [info, tally, ballot] = await Promise.all([
        client.readContract({ address, abi: ShareholderVotesAbi, functionName: 'vote_info', args: [token, id] }),
        client.readContract({ address, abi: ShareholderVotesAbi, functionName: 'tally', args: [token, id] }),
        voter ? client.readContract({ address, abi: ShareholderVotesAbi, functionName: 'ballot', args: [token, id, voter] }) : null,
      ]);
      const weight =
        voter && info.record_timestamp <= now
          ? await client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'balanceOfAt', args: [voter, info.record_date_id] }).catch(() => 0n)
          : 0n;
      return {
        token,
        id,
        question: info.question,
        choices: info.choices,
        recordDateId: info.record_date_id,
        recordTimestamp: info.record_timestamp,
        closesAt: info.closes_at,
        cancelled: info.closes_at === 0n,
        tally,
        ballot,
        weight,
      };
    }),
  );
}

/** Whether the operator imposed a security's halt: then only the operator lifts it (IssuanceFactory.resume). */
export async function loadHaltedByOperator(client: PublicClient, token: Address): Promise<boolean> {
  return client.readContract({ address: contracts.factory!, abi: IssuanceFactoryAbi, functionName: 'halted_by_operator', args: [token] });
}

/** The token's latest record date id: the only one a dividend or vote can still be cancelled with. */
export async function loadLatestRecordDateId(client: PublicClient, token: Address): Promise<bigint> {
  return client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'record_date_count' });
}

/** Cash an order book credited to the wallet because paying it at the time failed; OrderBook.withdraw pays it. */
export async function loadWithdrawable(client: PublicClient, market: Address, wallet: Address): Promise<bigint> {
  return client.readContract({ address: market, abi: OrderBookAbi, functionName: 'withdrawable', args: [wallet] });
}

export interface Subscription {
  offering: Address;
  subscribed: bigint;
  allocation: bigint;
  settled: boolean;
}

export async function loadSubscription(client: PublicClient, offering: Address, investor: Address): Promise<Subscription> {
  const [subscribed, allocation, settled] = await Promise.all([
    client.readContract({ address: offering, abi: OfferingAbi, functionName: 'subscription_of', args: [investor] }),
    client.readContract({ address: offering, abi: OfferingAbi, functionName: 'allocation_of', args: [investor] }).catch(() => 0n),
    client.readContract({ address: offering, abi: OfferingAbi, functionName: 'is_settled', args: [investor] }),
  ]);
  return { offering, subscribed, allocation, settled };
}

export interface Roles {
  registrar: boolean;
  operator: boolean;
  /** Tokens on which the wallet is the transfer agent. */
  agentOf: Address[];
}

export async function loadRoles(client: PublicClient, wallet: Address, tokens: Address[]): Promise<Roles> {
  const [registrar, operator, agents] = await Promise.all([
    contracts.registry ? client.readContract({ address: contracts.registry, abi: registryAbi, functionName: 'hasRole', args: [ROLE.registrar, wallet] }) : false,
    contracts.factory ? client.readContract({ address: contracts.factory, abi: IssuanceFactoryAbi, functionName: 'hasRole', args: [ROLE.operator, wallet] }) : false,
    Promise.all(tokens.map((token) => client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'hasRole', args: [ROLE.agent, wallet] }))),
  ]);
  return { registrar, operator, agentOf: tokens.filter((_, index) => agents[index]) };
}

export interface Restriction {
  code: number;
  message: string;
}

/** The token's ERC-1404 answer for one side of a transfer: can `wallet` send (sell) or receive (buy) `amount`? */
export async function loadRestriction(client: PublicClient, token: Address, wallet: Address, side: 'send' | 'receive', amount: bigint): Promise<Restriction> {
  const code = await client.readContract({
    address: token,
    abi: SecurityTokenAbi,
    functionName: side === 'send' ? 'restriction_to_send' : 'restriction_to_receive',
    args: [wallet, amount],
  });
  const message = await client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'messageForTransferRestriction', args: [code] });
  return { code: Number(code), message };
}

/** detectTransferRestriction between two wallets, with its message (agent and registrar checks). */
export async function detectRestriction(client: PublicClient, token: Address, from: Address, to: Address, amount: bigint): Promise<Restriction> {
  const code = await client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'detectTransferRestriction', args: [from, to, amount] });
  const message = await client.readContract({ address: token, abi: SecurityTokenAbi, functionName: 'messageForTransferRestriction', args: [code] });
  return { code: Number(code), message };
}

