import { createConfig, createStorage, http } from 'wagmi';
import { injected } from 'wagmi/connectors/injected';
import { keiretsuChain } from './chain';

/**
 * One chain, read through the dApp's own RPC transport. `injected()` covers a legacy `window.ethereum`;
 * every wallet announcing itself through EIP-6963 gets a connector of its own (name and icon).
 */
export const wagmiConfig = createConfig({
  chains: [keiretsuChain],
  connectors: [injected({ shimDisconnect: true })],
  multiInjectedProviderDiscovery: true,
  transports: { [keiretsuChain.id]: http(keiretsuChain.rpcUrls.default.http[0]) },
  storage: createStorage({ storage: typeof window === 'undefined' ? undefined : window.localStorage, key: 'keiretsu' }),
  pollingInterval: 2_000,
});

declare module 'wagmi' {
  interface Register {
    config: typeof wagmiConfig;
  }
}
