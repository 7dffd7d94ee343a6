// The read API over the platform's index (keiretsu/api): histories, registers and statements that
// would otherwise need event logs from block 0. Amounts arrive as decimal strings (uint256 does not
// fit a JSON number) and are turned into bigints here, once.
import type { Address, Hash } from 'viem';

/** What the index answered, and the last block it had read when it answered. */
export interface Indexed<T> {
  data: T;
  indexBlock: bigint | undefined;
  /** A list read page by page stopped at its page limit with more left on the index. */
  more?: boolean;
}

/** How often a read asks the index again while it has not read the block wanted (it follows within a second). */
export const INDEX_CATCH_UP_MS = 500;

/** A refusal or failure of the API, in one sentence. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

export type QueryParams = Record<string, string | number | bigint | boolean | undefined>;

/** The URL of a path of the API with its query (parameters left undefined are dropped). */
export function apiUrl(base: string, path: string, params: QueryParams = {}): string {
  const url = new URL(path.replace(/^\//, ''), base);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
}

/** GETs a path of the API; a refusal becomes an ApiError carrying the API's own sentence. */
export async function apiGet<T>(base: string, path: string, params: QueryParams = {}, signal?: AbortSignal): Promise<Indexed<T>> {
  let response: Response;
  try {
    response = await fetch(apiUrl(base, path, params), { signal });
  } catch {
    throw new ApiError(`The platform's index does not answer at ${base}: histories and registers cannot be shown.`, undefined);
  }
  if (!response.ok) throw new ApiError(await refusal(response), response.status);
  const header = response.headers.get('X-Index-Block');
  return { data: (await response.json()) as T, indexBlock: header === null ? undefined : BigInt(header) };
}

async function refusal(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: unknown };
    if (typeof body.detail === 'string') return `The index refused: ${body.detail}.`;
  } catch {
    // Not JSON: the status says enough.
  }
  return `The index answered ${response.status} ${response.statusText}.`;
}

/** Every page of a cursor-paged list, concatenated (at most `maxPages`, so a huge list cannot hang the page). */
export async function apiGetAll<T>(
  base: string,
  path: string,
  params: QueryParams = {},
  maxPages = 20,
): Promise<Indexed<T[]>> {
  const items: T[] = [];
  let cursor: string | null | undefined;
  let indexBlock: bigint | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await apiGet<{ items: T[]; next_cursor: string | null }>(base, path, { ...params, cursor: cursor ?? undefined });
    indexBlock ??= answer.indexBlock;
    items.push(...answer.data.items);
    cursor = answer.data.next_cursor;
    if (!cursor) break;
  }
  return { data: items, indexBlock, more: Boolean(cursor) };
}

// The models of the API (keiretsu/api/*.py) the pages read, as it sends them.

export interface ApiTrade {
  block_number: number;
  log_index: number;
  tx_hash: Hash;
  block_time: number;
  maker_order_id: string;
  maker: Address;
  taker: Address;
  taker_side: 'buy' | 'sell';
  tick: number;
  lots: number;
  cash: string;
  maker_fee: string;
  taker_fee: string;
}

export interface ApiTradeTick {
  block_time: number;
  tick: number;
}

/** GET /markets: a market's figures as of `at` (keiretsu/api/market.py). */
export interface ApiMarketSummary {
  symbol: string;
  market: Address;
  at: number;
  last: ApiTradeTick | null;
  /** The last trade at or before `at` − 24 h: the price a day before. */
  day_before: ApiTradeTick | null;
  /** The base of the 24 h change: the last trade before the window, else the window's first. */
  reference_tick: number | null;
  volume_lots: number;
  volume_cash: string;
  trades: number;
}

export interface ApiCandle {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  lots: number;
  cash: string;
  trades: number;
}

export interface ApiOrder {
  market: Address;
  symbol: string;
  order_id: string;
  side: 'buy' | 'sell';
  tick: number;
  lots: number;
  remaining: number;
  escrow: string;
  status: 'open' | 'partially_filled' | 'filled' | 'cancelled';
  /** OrderCancelled.reason (lib/market.ts cancelReason says it in words). */
  cancel_reason: number | null;
  placed_block: number;
  placed_tx: Hash;
  placed_time: number;
  updated_time: number;
}

export interface ApiFill {
  market: Address;
  symbol: string;
  block_number: number;
  log_index: number;
  block_time: number;
  tx_hash: Hash;
  maker_order_id: string;
  role: 'maker' | 'taker';
  side: 'buy' | 'sell';
  tick: number;
  lots: number;
  cash: string;
  fee: string;
}

export interface ApiWalletOrders {
  wallet: Address;
  orders: ApiOrder[];
  fills: ApiFill[];
}

export interface ApiPosition {
  token: Address;
  asset: string;
  opening: string;
  closing: string;
}

export interface ApiMovement {
  block_number: number;
  log_index: number;
  tx_hash: Hash;
  block_time: number;
  token: Address;
  asset: string;
  amount: string;
  counterparty: Address;
  cause: string;
}

export interface ApiStatement {
  wallet: Address;
  period_from: number;
  period_to: number;
  positions: ApiPosition[];
  movements: ApiMovement[];
}

export interface ApiHolder {
  account: Address;
  balance: string;
  held?: string;
  frozen?: string;
  wallet_frozen?: boolean;
  percentage: string;
}

export interface ApiRegister {
  symbol: string;
  token: Address;
  supply: string;
  /** Holders in the whole register, when the API pages it. */
  holder_count?: number;
  holders: ApiHolder[];
  /** Today's register: the block it is as of. */
  as_of_block?: number;
  /** A past register: the moment it is at, and the record date asked for. */
  at?: number;
  record_date_id?: number | null;
  next_cursor?: string | null;
}

export interface ApiInvestor {
  wallet: Address;
  identity: Address;
  kind: number;
  country: number;
  kyc_expiry: number;
  flags: number;
  registered: boolean;
  /** Symbols of the securities that froze this wallet. */
  frozen_in: string[];
}

export interface ApiIdentityWallet extends Omit<ApiInvestor, 'identity'> {
  registered_time: number;
  updated_time: number;
}

export interface ApiRecovery {
  symbol: string;
  token: Address;
  lost_wallet: Address;
  new_wallet: Address;
  identity: Address;
  block_time: number;
  tx_hash: Hash;
}

export interface ApiIdentityWallets {
  identity: Address;
  wallets: ApiIdentityWallet[];
  recoveries: ApiRecovery[];
}

export interface ApiCorporateAction {
  kind: 'dividend' | 'vote';
  contract: Address;
  action_id: number;
  record_date_id: number;
  record_timestamp: number;
  status: 'cancelled' | 'upcoming' | 'payable' | 'expired' | 'open' | 'closed';
  declared_time: number;
  cash: Address | null;
  amount: string | null;
  paid: string | null;
  reclaimed: string | null;
  payment_date: number | null;
  expiry: number | null;
  question: string | null;
  closes_at: number | null;
}

export interface ApiSubscription {
  investor: Address;
  state: 'withdrawn' | 'unsettled' | 'allocated' | 'refunded';
  subscribed: string;
  cash_paid: string;
  withdrawn: string;
  allocated: string;
  proceeds: string;
  refunded: string;
  refund_restriction: number | null;
  updated_time: number;
}

export interface ApiDividendPayment {
  holder: Address;
  record_balance: string;
  entitled: string;
  paid: string;
  outstanding: string;
}

export interface ApiDividendPayments {
  symbol: string;
  contract: Address;
  dividend_id: number;
  amount: string;
  record_date_id: number;
  record_timestamp: number;
  record_date_reached: boolean;
  cancelled: boolean;
  excluded: Address[];
  eligible_supply: string;
  holder_count: number;
  entitled_total: string;
  paid_total: string;
  outstanding_total: string;
  outstanding_count: number;
  dust: string;
  items: ApiDividendPayment[];
  next_cursor: string | null;
}
