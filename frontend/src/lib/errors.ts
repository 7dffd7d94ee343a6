// Turns whatever a wallet, viem or wagmi throws into one sentence a person can act on.
import {
  BaseError,
  decodeErrorResult,
  parseAbi,
  ChainMismatchError,
  ContractFunctionRevertedError,
  HttpRequestError,
  InsufficientFundsError,
  UserRejectedRequestError,
} from 'viem';
import { friendlyRevertReason } from './revertReasons';

export type ErrorKind = 'rejected' | 'revert' | 'chain' | 'funds' | 'network' | 'wallet' | 'unknown';

export interface DescribedError {
  kind: ErrorKind;
  /** The sentence shown to the person. */
  message: string;
  /** The contract's own revert reason, when there is one. */
  reason?: string;
}

/** A transaction mined with a failed status whose replay did not reveal a reason. */
export class RevertedOnChainError extends Error {
  override name = 'RevertedOnChainError';
  constructor() {
    super('the transaction reverted on chain');
  }
}

interface CodedError {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  shortMessage?: unknown;
  cause?: unknown;
  data?: unknown;
}

/** The error and its causes, outermost first (viem and wagmi wrap errors several levels deep). */
function causeChain(error: unknown): CodedError[] {
  const chain: CodedError[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && chain.length < 16 && !chain.includes(current as CodedError)) {
    chain.push(current as CodedError);
    current = (current as CodedError).cause;
  }
  return chain;
}

const EIP1193_MESSAGES: Readonly<Record<number, [ErrorKind, string]>> = {
  4001: ['rejected', 'You rejected the request in your wallet.'],
  4100: ['wallet', 'Your wallet has not authorised this site: connect it first.'],
  4200: ['wallet', 'Your wallet does not support this request.'],
  4900: ['wallet', 'Your wallet is disconnected from every network.'],
  4901: ['chain', 'Your wallet is not connected to the Keiretsu network.'],
  4902: ['chain', 'Your wallet does not know the Keiretsu network yet: add it first.'],
  [-32002]: ['wallet', 'Your wallet already has a request waiting: open it to answer.'],
};

const ERROR_STRING_ABI = parseAbi(['error Error(string)']);
const ERROR_STRING_SELECTOR = '0x08c379a0';

function revertReasonOf(chain: CodedError[]): string | undefined | null {
  for (const link of chain) {
    if (link instanceof ContractFunctionRevertedError) {
      if (link.reason) return link.reason;
      return null;
    }
  }
  // Revert data that reached us undecoded (a raw eth_call or a wallet's own error).
  for (const link of chain) {
    if (typeof link.data === 'string' && link.data.startsWith(ERROR_STRING_SELECTOR)) {
      try {
        return decodeErrorResult({ abi: ERROR_STRING_ABI, data: link.data as `0x${string}` }).args[0];
      } catch {
        // Malformed: fall through to the message.
      }
    }
  }
  // A revert a node reported only in its message (e.g. eth_estimateGas).
  for (const link of chain) {
    const message = typeof link.message === 'string' ? link.message : '';
    const match = /execution reverted:? (?:revert: )?([a-z_]+: [^\n"]+)/.exec(message);
    if (match?.[1]) return match[1].trim();
  }
  return undefined;
}

export function describeError(error: unknown): DescribedError {
  const chain = causeChain(error);
  if (chain.length === 0) return { kind: 'unknown', message: `Something went wrong: ${String(error)}` };

  if (chain.some((link) => link instanceof UserRejectedRequestError || link.code === 4001)) {
    return { kind: 'rejected', message: 'You rejected the request in your wallet.' };
  }
  const reason = revertReasonOf(chain);
  if (reason) return { kind: 'revert', message: friendlyRevertReason(reason), reason };
  if (reason === null || chain.some((link) => link instanceof RevertedOnChainError)) {
    return { kind: 'revert', message: 'The contract refused this without giving a reason.' };
  }

  if (chain.some((link) => link instanceof InsufficientFundsError)) {
    return { kind: 'funds', message: 'Your wallet does not have enough of the native coin to pay for gas.' };
  }
  if (chain.some((link) => link instanceof ChainMismatchError || link.name === 'ConnectorChainMismatchError')) {
    return { kind: 'chain', message: 'Your wallet is on another network: switch it to the Keiretsu network.' };
  }
  if (chain.some((link) => link.name === 'ConnectorNotConnectedError' || link.name === 'ConnectorAccountNotFoundError')) {
    return { kind: 'wallet', message: 'Connect your wallet first.' };
  }
  if (chain.some((link) => link.name === 'ProviderNotFoundError')) {
    return { kind: 'wallet', message: 'No wallet found in this browser.' };
  }
  for (const link of chain) {
    if (typeof link.code === 'number' && EIP1193_MESSAGES[link.code]) {
      const [kind, message] = EIP1193_MESSAGES[link.code]!;
      return { kind, message };
    }
  }
  if (chain.some((link) => link instanceof HttpRequestError)) {
    return { kind: 'network', message: 'The Keiretsu node cannot be reached: check your connection and retry.' };
  }
  const outer = chain[0]!;
  const text = error instanceof BaseError ? error.shortMessage : String(outer.shortMessage ?? outer.message ?? error);
  return { kind: 'unknown', message: `Something went wrong: ${text}` };
}
