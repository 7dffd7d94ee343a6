import { defineChain } from 'viem';
import { describe, expect, it } from 'vitest';
import { addChainParameter, ensureWalletOnChain, type Eip1193Requester } from '../src/lib/chainSwitch';

const keiretsu = defineChain({
  id: 31337,
  name: 'Keiretsu Local',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: ['http://127.0.0.1:8545'] } },
});

/** A wallet that knows `known` chains, is on `current`, and may or may not switch when it adds a chain. */
function fakeWallet(options: { current: number; known: number[]; switchOnAdd?: boolean; reject?: string }) {
  const calls: { method: string; params?: unknown }[] = [];
  let current = options.current;
  const known = new Set(options.known);
  const provider: Eip1193Requester = {
    async request({ method, params }) {
      calls.push({ method, params });
      if (method === options.reject) throw Object.assign(new Error('User rejected the request.'), { code: 4001 });
      if (method === 'eth_chainId') return `0x${current.toString(16)}`;
      const id = Number((params as [{ chainId: string }])[0].chainId);
      if (method === 'wallet_switchEthereumChain') {
        if (!known.has(id)) throw Object.assign(new Error('Unrecognized chain ID'), { code: 4902 });
        current = id;
        return null;
      }
      if (method === 'wallet_addEthereumChain') {
        known.add(id);
        if (options.switchOnAdd) current = id;
        return null;
      }
      throw new Error(`unexpected ${method}`);
    },
  };
  return { provider, calls, current: () => current };
}

describe('ensureWalletOnChain', () => {
  it('does nothing when the wallet is already on the chain', async () => {
    const wallet = fakeWallet({ current: 31337, known: [31337] });
    expect(await ensureWalletOnChain(wallet.provider, keiretsu)).toBe('already-on-chain');
    expect(wallet.calls.map((call) => call.method)).toEqual(['eth_chainId']);
  });

  it('switches to a chain the wallet knows', async () => {
    const wallet = fakeWallet({ current: 1, known: [1, 31337] });
    expect(await ensureWalletOnChain(wallet.provider, keiretsu)).toBe('switched');
    expect(wallet.calls[1]).toEqual({ method: 'wallet_switchEthereumChain', params: [{ chainId: '0x7a69' }] });
    expect(wallet.current()).toBe(31337);
  });

  it('adds an unknown chain on 4902, then switches to it', async () => {
    const wallet = fakeWallet({ current: 1, known: [1] });
    expect(await ensureWalletOnChain(wallet.provider, keiretsu)).toBe('added-and-switched');
    expect(wallet.calls.map((call) => call.method)).toEqual([
      'eth_chainId',
      'wallet_switchEthereumChain',
      'wallet_addEthereumChain',
      'eth_chainId',
      'wallet_switchEthereumChain',
    ]);
    expect(wallet.calls[2]?.params).toEqual([addChainParameter(keiretsu)]);
    expect(wallet.current()).toBe(31337);
  });

  it('does not switch twice when adding already switched', async () => {
    const wallet = fakeWallet({ current: 1, known: [1], switchOnAdd: true });
    expect(await ensureWalletOnChain(wallet.provider, keiretsu)).toBe('added-and-switched');
    expect(wallet.calls.filter((call) => call.method === 'wallet_switchEthereumChain')).toHaveLength(1);
  });

  it('passes a rejection through without adding', async () => {
    const wallet = fakeWallet({ current: 1, known: [1, 31337], reject: 'wallet_switchEthereumChain' });
    await expect(ensureWalletOnChain(wallet.provider, keiretsu)).rejects.toMatchObject({ code: 4001 });
    expect(wallet.calls.map((call) => call.method)).not.toContain('wallet_addEthereumChain');
  });

  it('passes a rejected addition through', async () => {
    const wallet = fakeWallet({ current: 1, known: [1], reject: 'wallet_addEthereumChain' });
    await expect(ensureWalletOnChain(wallet.provider, keiretsu)).rejects.toMatchObject({ code: 4001 });
    expect(wallet.current()).toBe(1);
  });

  it('describes the chain to the wallet per EIP-3085', () => {
    expect(addChainParameter(keiretsu)).toEqual({
      chainId: '0x7a69',
      chainName: 'Keiretsu Local',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: ['http://127.0.0.1:8545'],
      blockExplorerUrls: undefined,
    });
  });
});
