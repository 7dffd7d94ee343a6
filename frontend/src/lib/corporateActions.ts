// When the contracts let an issuer take back a dividend or a vote, and when an investor can take back
// an offering subscription: pure rules over chain time, so the desks offer only what would go through.

/** SecurityToken.MAX_RECORD_DATE_HORIZON: a record date is at most 400 days ahead of its scheduling. */
export const RECORD_DATE_HORIZON = 400n * 86_400n;

/** A dividend or vote as far as cancelling it goes. */
export interface RecordDated {
  /** Dividends read an amount of 0 once cancelled; votes a closing time of 0. */
  cancelled: boolean;
  recordDateId: bigint;
  recordTimestamp: bigint;
}

export type Cancellability = { ok: true } | { ok: false; why: string };

/**
 * Dividends.cancel and ShareholderVotes.cancel_vote go through before the record date, and only for the
 * token's latest record date (SecurityToken.cancel_record_date refuses an earlier one).
 */
export function cancellability(action: RecordDated, latestRecordDateId: bigint, now: bigint): Cancellability {
  if (action.cancelled) return { ok: false, why: 'cancelled' };
  if (action.recordTimestamp <= now) return { ok: false, why: 'the record date has passed' };
  if (action.recordDateId !== latestRecordDateId) return { ok: false, why: 'a later record date is scheduled: cancel that one first' };
  return { ok: true };
}

/** The error for a record date past the horizon, if it is. */
export function recordDateHorizonError(recordTimestamp: bigint, now: bigint): string | undefined {
  return recordTimestamp > now + RECORD_DATE_HORIZON ? 'A record date can be at most 400 days ahead.' : undefined;
}

export type WithdrawalWindow = { open: true; closesAt: bigint } | { open: false; closedAt: bigint };

/**
 * Offering.withdraw goes through while `block.timestamp + WITHDRAWAL_CUTOFF < end`: withdrawals close
 * `cutoff` seconds before the end, while subscriptions stay open until the end.
 */
export function withdrawalWindow(endTime: bigint, cutoff: bigint, now: bigint): WithdrawalWindow {
  const closesAt = endTime > cutoff ? endTime - cutoff : 0n;
  return now < closesAt ? { open: true, closesAt } : { open: false, closedAt: closesAt };
}

/** A dividend as far as announcing it goes (Dividends.dividend). */
export interface ScheduledDividend {
  id: bigint;
  cancelled: boolean;
  amount: bigint;
  recordTimestamp: bigint;
  paymentDate: bigint;
  settled: boolean;
  eligibleSupply: bigint;
}

/** A vote as far as announcing it goes (ShareholderVotes.vote_info). */
export interface ScheduledVote {
  id: bigint;
  cancelled: boolean;
  question: string;
  recordTimestamp: bigint;
  closesAt: bigint;
}

export type UpcomingAction =
  | {
      kind: 'dividend';
      id: bigint;
      recordTimestamp: bigint;
      paymentDate: bigint;
      amount: bigint;
      /** Cash base units per whole share; null while no share exists. */
      perShare: bigint | null;
      /** True until the eligible supply is fixed: the amount over the supply now. */
      estimate: boolean;
    }
  | { kind: 'vote'; id: bigint; question: string; recordTimestamp: bigint; closesAt: bigint };

/**
 * The dividends and votes of one security still ahead, from the moment they are declared: a dividend
 * until its payment date (then it is claimed), a vote until it closes; soonest record date first.
 * A dividend's amount per share is its amount over the supply now, an estimate until the record date
 * has passed and the dividend's eligible supply is fixed.
 */
export function upcomingActions(
  dividends: readonly ScheduledDividend[],
  votes: readonly ScheduledVote[],
  supplyNow: bigint,
  shareDecimals: number,
  now: bigint,
): UpcomingAction[] {
  const wholeShare = 10n ** BigInt(shareDecimals);
  const actions: UpcomingAction[] = [
    ...dividends
      .filter((dividend) => !dividend.cancelled && now < dividend.paymentDate)
      .map((dividend): UpcomingAction => {
        const fixed = dividend.settled && now >= dividend.recordTimestamp;
        const supply = fixed ? dividend.eligibleSupply : supplyNow;
        return {
          kind: 'dividend',
          id: dividend.id,
          recordTimestamp: dividend.recordTimestamp,
          paymentDate: dividend.paymentDate,
          amount: dividend.amount,
          perShare: supply === 0n ? null : (dividend.amount * wholeShare) / supply,
          estimate: !fixed,
        };
      }),
    ...votes
      .filter((vote) => !vote.cancelled && now < vote.closesAt)
      .map((vote): UpcomingAction => ({ kind: 'vote', id: vote.id, question: vote.question, recordTimestamp: vote.recordTimestamp, closesAt: vote.closesAt })),
  ];
  return actions.sort((a, b) => (a.recordTimestamp < b.recordTimestamp ? -1 : a.recordTimestamp > b.recordTimestamp ? 1 : 0));
}
