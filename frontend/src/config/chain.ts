import { defineChain, type Chain } from 'viem';
import type { Deployment } from '../lib/deployment';
import { deployment } from './deployment';

/** The viem chain of a deployment: what the dApp reads through and asks wallets to add. */
export function chainFromDeployment(source: Deployment): Chain {
  return defineChain({
    id: source.chainId,
    name: source.chainName,
    nativeCurrency: source.nativeCurrency,
    rpcUrls: { default: { http: [source.rpcUrl] } },
  });
}

export const keiretsuChain = chainFromDeployment(deployment);
