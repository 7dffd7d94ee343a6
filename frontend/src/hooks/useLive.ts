import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Address, PublicClient } from 'viem';
import { useBlock, useBlockNumber, usePublicClient } from 'wagmi';
import { loadCash, loadRoles, loadSecurities, type Security } from '../data/platform';
import { findSecurity } from '../lib/securityRoute';

/**
 * A read that follows the chain: it is keyed by the latest block, so every new block (every
 * confirmed transaction, on the private chain) re-reads it and the page updates without a reload.
 * The previous answer stays on screen while the new one loads.
 */
export function useLive<T>(key: readonly unknown[], load: (client: PublicClient) => Promise<T>, enabled = true) {
  const client = usePublicClient();
  const block = useBlockNumber({ watch: true });
  return useQuery({
    queryKey: ['live', ...key.map((part) => (typeof part === 'bigint' ? part.toString() : part)), String(block.data ?? '')],
    queryFn: () => load(client!),
    enabled: enabled && Boolean(client) && block.data !== undefined,
    placeholderData: keepPreviousData,
  });
}

/** Chain time: the latest block's timestamp (the contracts' `block.timestamp`), not the browser's clock. */
export function useChainNow(): bigint | undefined {
  const block = useBlock({ watch: true });
  return block.data?.timestamp;
}

export function useCash() {
  const client = usePublicClient();
  return useQuery({ queryKey: ['cash'], queryFn: () => loadCash(client!), enabled: Boolean(client), staleTime: Infinity });
}

export function useSecurities() {
  return useLive(['securities'], loadSecurities);
}

/** The security a route names by its symbol, in any case. */
export function useSecurity(symbol: string): { security: Security | undefined; loading: boolean; error: Error | null } {
  const securities = useSecurities();
  return {
    security: securities.data ? findSecurity(securities.data, symbol) : undefined,
    loading: securities.isLoading,
    error: securities.error,
  };
}

export function useRoles(wallet: Address | undefined) {
  const securities = useSecurities();
  const tokens = securities.data?.map((security) => security.token) ?? [];
  return useLive(['roles', wallet, tokens.join()], (client) => loadRoles(client, wallet!, tokens), Boolean(wallet));
}
