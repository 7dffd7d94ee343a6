import { describe, expect, it } from 'vitest';
import type { Connector } from 'wagmi';
import { chainFromDeployment } from '../src/config/chain';
import { offeredConnectors } from '../src/wallet/useWallet';

const connector = (id: string, type = 'injected') => ({ id, type, name: id }) as unknown as Connector;

describe('offeredConnectors', () => {
  it('offers the EIP-6963 wallets and hides the generic injected entry', () => {
    const offered = offeredConnectors([connector('injected'), connector('io.metamask'), connector('org.keiretsu.testwallet')], true);
    expect(offered.map((item) => item.id)).toEqual(['io.metamask', 'org.keiretsu.testwallet']);
  });

  it('falls back to the legacy window.ethereum when no wallet announced itself', () => {
    expect(offeredConnectors([connector('injected')], true).map((item) => item.id)).toEqual(['injected']);
  });

  it('offers nothing when the browser has no wallet', () => {
    expect(offeredConnectors([connector('injected')], false)).toEqual([]);
  });
});

describe('chainFromDeployment', () => {
  it('builds the chain wallets are asked to add', () => {
    const chain = chainFromDeployment({
      chainId: 1337,
      chainName: 'Keiretsu Besu',
      rpcUrl: 'https://rpc.keiretsu.example',
      apiUrl: 'https://api.keiretsu.example/',
      nativeCurrency: { name: 'Keiretsu Gas', symbol: 'KGAS', decimals: 18 },
      deploymentBlock: 0n,
      deployed: true,
      contracts: {},
    });
    expect(chain.id).toBe(1337);
    expect(chain.name).toBe('Keiretsu Besu');
    expect(chain.nativeCurrency).toEqual({ name: 'Keiretsu Gas', symbol: 'KGAS', decimals: 18 });
    expect(chain.rpcUrls.default.http).toEqual(['https://rpc.keiretsu.example']);
  });
});
