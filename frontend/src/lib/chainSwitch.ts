// Bringing a wallet onto the Keiretsu chain: EIP-3326 switch, and on 4902 (chain unknown to the
// wallet) EIP-3085 add, then switch again, since a wallet may add a chain without switching to it.
import { numberToHex, type Chain } from 'viem';

export interface Eip1193Requester {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
}

const UNRECOGNISED_CHAIN = 4902;

function isUnrecognisedChain(error: unknown): boolean {
  const coded = error as { code?: unknown; data?: { originalError?: { code?: unknown } } } | null;
  // MetaMask Mobile nests the code one level down.
  return coded?.code === UNRECOGNISED_CHAIN || coded?.data?.originalError?.code === UNRECOGNISED_CHAIN;
}

/** The EIP-3085 parameter describing a chain to a wallet. */
export function addChainParameter(chain: Chain) {
  return {
    chainId: numberToHex(chain.id),
    chainName: chain.name,
    nativeCurrency: chain.nativeCurrency,
    rpcUrls: [...chain.rpcUrls.default.http],
    blockExplorerUrls: chain.blockExplorers ? [chain.blockExplorers.default.url] : undefined,
  };
}

export type EnsureChainOutcome = 'already-on-chain' | 'switched' | 'added-and-switched';

export async function ensureWalletOnChain(provider: Eip1193Requester, chain: Chain): Promise<EnsureChainOutcome> {
  const current = Number(await provider.request({ method: 'eth_chainId' }));
  if (current === chain.id) return 'already-on-chain';
  const switchParams = [{ chainId: numberToHex(chain.id) }];
  try {
    await provider.request({ method: 'wallet_switchEthereumChain', params: switchParams });
    return 'switched';
  } catch (error) {
    if (!isUnrecognisedChain(error)) throw error;
  }
  await provider.request({ method: 'wallet_addEthereumChain', params: [addChainParameter(chain)] });
  if (Number(await provider.request({ method: 'eth_chainId' })) !== chain.id) {
    await provider.request({ method: 'wallet_switchEthereumChain', params: switchParams });
  }
  return 'added-and-switched';
}
