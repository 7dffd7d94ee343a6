// A wallet's statement (the read API's /wallets/{address}/statement): the period a person picks as
// two dates, read as whole UTC days of chain time, and the words for each movement's cause.
import type { Parsed } from './parse';
import { parseDateTime } from './validation';

const DAY_SECONDS = 86_400n;
export const DEFAULT_PERIOD_DAYS = 30n;

export interface PeriodInput {
  from: string;
  to: string;
}

const dateInput = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().slice(0, 10);

/** The last `days` days up to the chain's `now` (not the browser's clock: a test chain travels in time). */
export function defaultPeriod(now: bigint, days = DEFAULT_PERIOD_DAYS): PeriodInput {
  return { from: dateInput(now - days * DAY_SECONDS), to: dateInput(now) };
}

/** The period as the API's `from` and `to` (Unix seconds, both included): the first day's start to the last day's end. */
export function periodBounds(input: PeriodInput): Parsed<{ from: bigint; to: bigint }> {
  const from = parseDateTime(input.from);
  if (!from.ok) return { ok: false, error: `From: ${from.error}` };
  const to = parseDateTime(input.to);
  if (!to.ok) return { ok: false, error: `To: ${to.error}` };
  if (to.value < from.value) return { ok: false, error: 'The period ends before it starts.' };
  return { ok: true, value: { from: from.value, to: to.value + DAY_SECONDS - 1n } };
}

const CAUSES: Record<string, string> = {
  trade: 'trade',
  subscription: 'offering subscription',
  dividend: 'dividend',
  transfer: 'transfer',
  forced_transfer: 'forced transfer',
  recovery: 'wallet recovery',
  order_escrow: 'order escrow',
  order_release: 'order released',
  market_withdrawal: 'withdrawn from a market',
  issue: 'issued',
  redemption: 'redeemed',
};

/** The API's cause of a movement in words ("forced_transfer" -> "forced transfer"). */
export function causeLabel(cause: string): string {
  return CAUSES[cause] ?? cause.replaceAll('_', ' ');
}
