import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BaseError,
  ChainMismatchError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  EstimateGasExecutionError,
  HttpRequestError,
  InsufficientFundsError,
  parseAbi,
  TransactionExecutionError,
  UserRejectedRequestError,
  encodeErrorResult,
  type Hex,
} from 'viem';
import { mainnet } from 'viem/chains';
import { describe, expect, it } from 'vitest';
import { describeError } from '../src/lib/errors';
import { FRIENDLY_REASONS, friendlyRevertReason } from '../src/lib/revertReasons';

const abi = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);
const errorStringAbi = parseAbi(['error Error(string)']);
const to = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

/** What viem throws when a simulated or estimated contract call reverts with `reason`. */
function revertedCall(data: Hex | undefined): ContractFunctionExecutionError {
  const reverted = new ContractFunctionRevertedError({ abi, data, functionName: 'transfer' });
  return new ContractFunctionExecutionError(reverted, {
    abi,
    functionName: 'transfer',
    args: [to, 5n],
    contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  });
}
const revertData = (reason: string) => encodeErrorResult({ abi: errorStringAbi, errorName: 'Error', args: [reason] });

describe('describeError', () => {
  it('turns a known Error(string) revert into its sentence and keeps the raw reason', () => {
    expect(describeError(revertedCall(revertData('token: sender frozen')))).toEqual({
      kind: 'revert',
      message: 'The sending wallet is frozen for this security.',
      reason: 'token: sender frozen',
    });
  });

  it('falls back to naming the contract and quoting an unknown reason', () => {
    expect(describeError(revertedCall(revertData('offering: window closed')))).toEqual({
      kind: 'revert',
      message: 'The offering refused this: window closed.',
      reason: 'offering: window closed',
    });
  });

  it('says when a revert carries no reason', () => {
    expect(describeError(revertedCall('0x'))).toEqual({
      kind: 'revert',
      message: 'The contract refused this without giving a reason.',
    });
  });

  it('reads a revert reason that a node put in an error message', () => {
    const estimate = new EstimateGasExecutionError(new BaseError('execution reverted: revert: market: halted'), {
      account: undefined,
      chain: mainnet,
    });
    expect(describeError(estimate)).toMatchObject({ kind: 'revert', reason: 'market: halted' });
  });

  it('decodes Error(string) data that reached it undecoded', () => {
    const raw = Object.assign(new Error('execution reverted'), { code: 3, data: revertData('token: recipient frozen') });
    expect(describeError(new BaseError('call failed', { cause: raw }))).toEqual({
      kind: 'revert',
      message: 'The receiving wallet is frozen for this security.',
      reason: 'token: recipient frozen',
    });
  });

  it('recognises a user rejection, wrapped or as a raw EIP-1193 error', () => {
    const wrapped = new TransactionExecutionError(new UserRejectedRequestError(new Error('User denied')), {
      account: null,
      chain: mainnet,
    });
    expect(describeError(wrapped)).toEqual({ kind: 'rejected', message: 'You rejected the request in your wallet.' });
    expect(describeError({ code: 4001, message: 'User rejected the request.' }).kind).toBe('rejected');
  });

  it('recognises a chain mismatch from viem and from wagmi', () => {
    const viemMismatch = new ChainMismatchError({ chain: mainnet, currentChainId: 5 });
    expect(describeError(viemMismatch).kind).toBe('chain');
    const wagmiMismatch = Object.assign(new Error('Chain mismatch'), { name: 'ConnectorChainMismatchError' });
    expect(describeError(wagmiMismatch)).toEqual({
      kind: 'chain',
      message: 'Your wallet is on another network: switch it to the Keiretsu network.',
    });
  });

  it('recognises insufficient funds for gas', () => {
    const error = new TransactionExecutionError(new InsufficientFundsError({ cause: new BaseError('insufficient funds') }), {
      account: null,
      chain: mainnet,
    });
    expect(describeError(error).kind).toBe('funds');
  });

  it('recognises an unreachable node', () => {
    const error = new HttpRequestError({ url: 'http://127.0.0.1:8545', details: 'fetch failed' });
    expect(describeError(error).kind).toBe('network');
  });

  it('maps wallet error codes', () => {
    expect(describeError({ code: 4902, message: 'Unrecognized chain ID' })).toEqual({
      kind: 'chain',
      message: 'Your wallet does not know the Keiretsu network yet: add it first.',
    });
    expect(describeError({ code: -32002, message: 'already pending' }).kind).toBe('wallet');
  });

  it('falls back to the short message of anything else', () => {
    expect(describeError(new Error('boom'))).toEqual({ kind: 'unknown', message: 'Something went wrong: boom' });
    expect(describeError('plain')).toEqual({ kind: 'unknown', message: 'Something went wrong: plain' });
  });
});

describe('friendly revert reasons', () => {
  it('has a sentence for every ERC-1404 message of contracts/lib/restrictions.vy', () => {
    const source = readFileSync(fileURLToPath(new URL('../../contracts/lib/restrictions.vy', import.meta.url)), 'utf8');
    const messages = [...source.matchAll(/return "([^"]+)"/g)].map((match) => match[1]!);
    expect(messages.length).toBeGreaterThanOrEqual(12);
    for (const message of messages) expect(FRIENDLY_REASONS, message).toHaveProperty([message]);
  });

  it('has no sentence for a reason no contract gives any more', () => {
    const reasons = new Set<string>();
    for (const folder of ['../../contracts/', '../../contracts/lib/']) {
      const directory = fileURLToPath(new URL(folder, import.meta.url));
      for (const file of readdirSync(directory).filter((name) => name.endsWith('.vy'))) {
        for (const match of readFileSync(directory + file, 'utf8').matchAll(/"([a-z_]+: [^"]+)"/g)) reasons.add(match[1]!);
      }
    }
    expect(reasons.size).toBeGreaterThan(100);
    for (const reason of Object.keys(FRIENDLY_REASONS)) expect(reasons, reason).toContain(reason);
  });

  it('has a sentence for every reason the hardened contracts added that a desk can meet', () => {
    const added = [
      'token: exceeds unheld balance; force_cancel orders first',
      'token: new wallet recovered',
      'token: not the latest pending date',
      'token: record date too far',
      'offering: withdrawals closed',
      'factory: halted by the operator',
      'factory: issuer revoked',
      'factory: not issuer or operator',
      'factory: invalid symbol',
      'factory: symbol already listed',
      'market: cash token takes a fee',
      'market: not an operator or agent',
      'market: nothing to withdraw',
      'dividends: token not listed',
      'dividends: cash token not listed',
      'dividends: dividend cancelled',
      'dividends: record date reached',
      'dividends: payout above the dividend',
      'votes: token not listed',
      'votes: vote cancelled',
      'votes: record date reached',
      'votes: not the recovered wallet',
    ];
    for (const reason of added) expect(FRIENDLY_REASONS, reason).toHaveProperty([reason]);
    expect(friendlyRevertReason('token: exceeds unheld balance; force_cancel orders first')).toMatch(/force-cancel/);
  });

  it('reads a reason with a semicolon out of a node message', () => {
    const estimate = new EstimateGasExecutionError(
      new BaseError('execution reverted: revert: token: exceeds unheld balance; force_cancel orders first'),
      { account: undefined, chain: mainnet },
    );
    expect(describeError(estimate)).toMatchObject({ kind: 'revert', reason: 'token: exceeds unheld balance; force_cancel orders first' });
  });

  it('names the contract for an unknown reason of a known contract', () => {
    expect(friendlyRevertReason('market: price out of range')).toBe('The order book refused this: price out of range.');
    expect(friendlyRevertReason('registry: no wallets')).toBe('The identity registry refused this: no wallets.');
    expect(friendlyRevertReason('dividends: already reclaimed')).toBe('The dividend contract refused this: already reclaimed.');
  });

  it('has a sentence for the reasons the desks and the order ticket meet', () => {
    expect(friendlyRevertReason('market: post-only order would trade')).toBe('A post-only order at this price would trade at once.');
    expect(friendlyRevertReason('offering: above maximum')).toBe('The subscription is above the maximum per investor.');
    expect(friendlyRevertReason('dividends: payment date not reached')).toBe('The payment date of this dividend has not come yet.');
    expect(friendlyRevertReason('factory: offering in progress')).toBe('This security already has an offering in progress.');
    expect(friendlyRevertReason('votes: no shares at record date')).toBe('This wallet held no shares at the record date.');
  });

  it('quotes a reason from an unknown source whole', () => {
    expect(friendlyRevertReason('Ownable: caller is not the owner')).toBe(
      'The contract refused this: Ownable: caller is not the owner.',
    );
  });
});
