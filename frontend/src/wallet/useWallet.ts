import { createContext, createElement, useCallback, useContext, useState, type ReactNode } from 'react';
import { useConnect, useConnection, useConnectors, useDisconnect, type Connector } from 'wagmi';
import { keiretsuChain } from '../config/chain';
import { ensureWalletOnChain, type Eip1193Requester } from '../lib/chainSwitch';
import { describeError, type DescribedError } from '../lib/errors';

export type WalletProblem = { stage: 'connect' | 'switch'; error: DescribedError };

/** Wallets to offer: the EIP-6963 announcers, or the legacy injected provider when none announced itself. */
export function offeredConnectors(connectors: readonly Connector[], hasLegacyProvider: boolean): Connector[] {
  const announced = connectors.filter((connector) => connector.type === 'injected' && connector.id !== 'injected');
  if (announced.length > 0) return announced;
  return hasLegacyProvider ? connectors.filter((connector) => connector.id === 'injected') : [];
}

/**
 * Connection state and actions. Connecting also brings the wallet onto the Keiretsu chain
 * (switching, or adding it first); wagmi follows later account and chain changes by itself.
 */
function useWalletState() {
  const connection = useConnection();
  const connectors = useConnectors();
  const { mutateAsync: connectAsync } = useConnect();
  const { mutateAsync: disconnectAsync } = useDisconnect();
  const [problem, setProblem] = useState<WalletProblem | null>(null);
  const [busy, setBusy] = useState<'connecting' | 'switching' | null>(null);

  const switchToKeiretsu = useCallback(async (connector: Connector | undefined = connection.connector) => {
    if (!connector) return false;
    setBusy('switching');
    setProblem(null);
    try {
      const provider = (await connector.getProvider()) as Eip1193Requester;
      await ensureWalletOnChain(provider, keiretsuChain);
      return true;
    } catch (error) {
      setProblem({ stage: 'switch', error: describeError(error) });
      return false;
    } finally {
      setBusy(null);
    }
  }, [connection.connector]);

  const connect = useCallback(async (connector: Connector) => {
    setBusy('connecting');
    setProblem(null);
    try {
      await connectAsync({ connector });
    } catch (error) {
      setProblem({ stage: 'connect', error: describeError(error) });
      setBusy(null);
      return false;
    }
    return switchToKeiretsu(connector);
  }, [connectAsync, switchToKeiretsu]);

  const disconnect = useCallback(async () => {
    setProblem(null);
    await disconnectAsync();
  }, [disconnectAsync]);

  const hasLegacyProvider = typeof window !== 'undefined' && 'ethereum' in window && Boolean(window.ethereum);
  return {
    address: connection.address,
    chainId: connection.chainId,
    status: connection.status,
    connectorName: connection.connector?.name,
    onKeiretsu: connection.status === 'connected' && connection.chainId === keiretsuChain.id,
    wallets: offeredConnectors(connectors, hasLegacyProvider),
    busy,
    problem,
    clearProblem: () => setProblem(null),
    connect,
    disconnect,
    switchToKeiretsu,
  };
}

export type WalletState = ReturnType<typeof useWalletState>;

const WalletContext = createContext<WalletState | null>(null);

/** One wallet state for the whole app, so a problem met in a page also shows in the header. */
export function WalletProvider({ children }: { children: ReactNode }) {
  return createElement(WalletContext.Provider, { value: useWalletState() }, children);
}

export function useWallet(): WalletState {
  const state = useContext(WalletContext);
  if (!state) throw new Error('useWallet needs a <WalletProvider>');
  return state;
}

declare global {
  interface Window {
    ethereum?: unknown;
  }
}
