// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { custom, encodeErrorResult, keccak256, numberToHex, parseAbi, toFunctionSelector, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { createConfig, WagmiProvider } from 'wagmi';
import { connect } from 'wagmi/actions';
import { injected } from 'wagmi/connectors/injected';
import { keiretsuChain } from '../src/config/chain';
import { useTx } from '../src/hooks/useTx';

const account = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const token = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const abi = parseAbi(['function transfer(address to, uint256 amount) returns (bool)', 'function freeze(address who)']);
const frozen = encodeErrorResult({ abi: parseAbi(['error Error(string)']), errorName: 'Error', args: ['token: sender frozen'] });
const hash = keccak256('0x01');

const allowanceSelector = toFunctionSelector('function allowance(address owner, address spender)');
const approveSelector = toFunctionSelector('function approve(address spender, uint256 amount)');

/**
 * A node that knows one account and a few functions: transfer and approve succeed (or revert on
 * chain), freeze reverts, allowance answers `options.allowance`.
 */
function fakeNode(options: { revertOnChain?: boolean; allowance?: bigint } = {}) {
  const methods: string[] = [];
  const sent: string[] = [];
  const request = async ({ method, params }: { method: string; params?: unknown }): Promise<unknown> => {
    methods.push(method);
    const [first] = (params ?? []) as [{ data?: Hex } | undefined];
    switch (method) {
      case 'eth_chainId':
        return `0x${keiretsuChain.id.toString(16)}`;
      case 'eth_accounts':
      case 'eth_requestAccounts':
        return [account];
      case 'wallet_requestPermissions':
        return [{ parentCapability: 'eth_accounts', caveats: [{ type: 'restrictReturnedAccounts', value: [account] }] }];
      case 'eth_blockNumber':
        return '0x10';
      case 'eth_call': {
        if (first?.data?.startsWith(allowanceSelector)) return numberToHex(options.allowance ?? 0n, { size: 32 });
        const reverts = first?.data?.startsWith(toFunctionSelector(abi[1])) || (options.revertOnChain && methods.includes('eth_sendTransaction'));
        if (reverts) throw Object.assign(new Error('execution reverted'), { code: 3, data: frozen });
        return `0x${'0'.repeat(63)}1`;
      }
      case 'eth_sendTransaction':
        sent.push((first?.data ?? '0x').slice(0, 10));
        return hash;
      case 'eth_getTransactionReceipt':
        return {
          transactionHash: hash,
          blockNumber: '0x10',
          blockHash: keccak256('0x02'),
          transactionIndex: '0x0',
          from: account,
          to: token,
          cumulativeGasUsed: '0xb411',
          gasUsed: '0xb411',
          effectiveGasPrice: '0x0',
          contractAddress: null,
          logs: [],
          logsBloom: `0x${'0'.repeat(512)}`,
          status: options.revertOnChain ? '0x0' : '0x1',
          type: '0x2',
        };
      default:
        throw new Error(`fake node: unexpected ${method}`);
    }
  };
  return { methods, sent, request };
}

/** The same node behind a wallet whose person rejects every signature request. */
function rejectingSignatures(node: ReturnType<typeof fakeNode>) {
  return {
    ...node,
    request: async (args: { method: string; params?: unknown }) => {
      if (args.method === 'eth_sendTransaction') throw Object.assign(new Error('User rejected the request.'), { code: 4001 });
      return node.request(args);
    },
  };
}

/** A wagmi config whose one injected wallet and whose RPC transport are both the fake node, connected. */
async function setup<T = ReturnType<typeof useTx>>(node: Pick<ReturnType<typeof fakeNode>, 'request'>, useHook: () => T = useTx as () => T) {
  const wallet = { request: node.request, on: () => undefined, removeListener: () => undefined };
  const config = createConfig({
    chains: [keiretsuChain],
    connectors: [injected({ target: { id: 'fake', name: 'Fake wallet', provider: wallet as never } })],
    transports: { [keiretsuChain.id]: custom({ request: node.request }, { retryCount: 0 }) },
    multiInjectedProviderDiscovery: false,
    pollingInterval: 10,
  });
  const queryClient = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    // The app registers its own config type with wagmi; this one differs only in its transport.
    <WagmiProvider config={config as never} reconnectOnMount={false}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </WagmiProvider>
  );
  const hook = renderHook(useHook, { wrapper });
  await act(async () => {
    await connect(config, { connector: config.connectors[0]! });
  });
  return hook;
}

describe('useTx', () => {
  it('simulates, sends and follows a transaction to its receipt', async () => {
    const node = fakeNode();
    const hook = await setup(node);
    await act(async () => {
      await hook.result.current.send({ address: token, abi, functionName: 'transfer', args: [account, 5n] }, 'Sending 5 ACME');
    });
    expect(hook.result.current.state).toEqual({
      status: 'confirmed',
      label: 'Sending 5 ACME',
      hash,
      blockNumber: 16n,
      gasUsed: 46_097n,
    });
    expect(node.methods.indexOf('eth_call')).toBeLessThan(node.methods.indexOf('eth_sendTransaction'));
  });

  // A page's reads are keyed by the block number, which is polled: without a refetch the open-orders
  // list could still show the state before the transaction when its confirmation was on screen.
  it('refetches the live reads before it reports a transaction confirmed', async () => {
    const node = fakeNode();
    let reads = 0;
    const seenAtConfirmation: number[] = [];
    const hook = await setup(node, () => {
      const tx = useTx();
      const orders = useQuery({
        queryKey: ['live', 'open-orders'],
        queryFn: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          reads += 1;
          return reads;
        },
      });
      if (tx.state.status === 'confirmed') seenAtConfirmation.push(orders.data ?? 0);
      return { tx, orders };
    });
    await waitFor(() => expect(hook.result.current.orders.data).toBe(1));
    await act(async () => {
      await hook.result.current.tx.send({ address: token, abi, functionName: 'transfer', args: [account, 5n] }, 'Sending 5 ACME');
    });
    expect(hook.result.current.tx.state.status).toBe('confirmed');
    expect(seenAtConfirmation[0]).toBe(2);
  });

  it('explains a refusal before the wallet is asked to sign', async () => {
    const node = fakeNode();
    const hook = await setup(node);
    await act(async () => {
      await hook.result.current.send({ address: token, abi, functionName: 'freeze', args: [account] }, 'Freezing');
    });
    expect(hook.result.current.state).toEqual({
      status: 'failed',
      label: 'Freezing',
      hash: undefined,
      error: { kind: 'revert', message: 'The sending wallet is frozen for this security.', reason: 'token: sender frozen' },
    });
    expect(node.methods).not.toContain('eth_sendTransaction');
  });

  it('names the reason of a transaction that reverted on chain by replaying it', async () => {
    const node = fakeNode({ revertOnChain: true });
    const hook = await setup(node);
    await act(async () => {
      await hook.result.current.send({ address: token, abi, functionName: 'transfer', args: [account, 5n] }, 'Sending');
    });
    expect(hook.result.current.state, node.methods.join()).toMatchObject({ status: 'failed', hash, error: { reason: 'token: sender frozen' } });
  });

  it('says when the person rejects the signature', async () => {
    const node = fakeNode();
    const rejecting = rejectingSignatures(node);
    const hook = await setup(rejecting);
    await act(async () => {
      await hook.result.current.send({ address: token, abi, functionName: 'transfer', args: [account, 5n] }, 'Sending');
    });
    expect(hook.result.current.state).toMatchObject({ status: 'failed', error: { kind: 'rejected' } });
  });

  // The page's cached allowance can predate the transaction that spent it (two dividends declared in
  // a row): the allowance is read from the chain when the person sends, and only a shortfall is approved.
  it('approves cash only when the allowance read from the chain falls short', async () => {
    const spender = '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0';
    const covered = fakeNode({ allowance: 1_000n });
    const coveredHook = await setup(covered);
    let approved: boolean | undefined;
    await act(async () => {
      approved = await coveredHook.result.current.ensureAllowance(token, spender, 1_000n, 'Approve 1,000');
    });
    expect(approved).toBe(true);
    expect(covered.sent).toEqual([]);

    const short = fakeNode({ allowance: 999n });
    const shortHook = await setup(short);
    await act(async () => {
      approved = await shortHook.result.current.ensureAllowance(token, spender, 1_000n, 'Approve 1,000');
    });
    expect(approved).toBe(true);
    expect(short.sent).toEqual([approveSelector]);
    expect(shortHook.result.current.state).toMatchObject({ status: 'confirmed', label: 'Approve 1,000' });
  });

  it('stops when the approval is rejected', async () => {
    const node = fakeNode({ allowance: 0n });
    const rejecting = rejectingSignatures(node);
    const hook = await setup(rejecting);
    let approved: boolean | undefined;
    await act(async () => {
      approved = await hook.result.current.ensureAllowance(token, token, 1n, 'Approve');
    });
    expect(approved).toBe(false);
    expect(hook.result.current.state).toMatchObject({ status: 'failed', error: { kind: 'rejected' } });
  });
});
