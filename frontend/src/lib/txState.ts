import type { Hash } from 'viem';
import type { DescribedError } from './errors';

/** The life of one transaction as the person sees it. */
export type TxState =
  | { status: 'idle' }
  | { status: 'checking'; label: string }
  | { status: 'signing'; label: string }
  | { status: 'pending'; label: string; hash: Hash }
  | { status: 'confirmed'; label: string; hash: Hash; blockNumber: bigint; gasUsed: bigint }
  | { status: 'failed'; label: string; hash?: Hash; error: DescribedError };

export const TX_IDLE: TxState = { status: 'idle' };

export function isBusy(state: TxState): boolean {
  return state.status === 'checking' || state.status === 'signing' || state.status === 'pending';
}

/** The one-line headline of a state, e.g. "Buying 10 ACME: waiting for confirmation…". */
export function txHeadline(state: TxState): string {
  switch (state.status) {
    case 'idle':
      return '';
    case 'checking':
      return `${state.label}: checking with the contract…`;
    case 'signing':
      return `${state.label}: confirm in your wallet…`;
    case 'pending':
      return `${state.label}: waiting for confirmation…`;
    case 'confirmed':
      return `${state.label}: confirmed in block ${state.blockNumber}.`;
    case 'failed':
      return `${state.label} failed: ${state.error.message}`;
  }
}
