import type { Address } from 'viem';

export interface DeployedContract {
  address: Address;
  version: string;
}

/** What the dApp is built against: one chain and the platform's contracts on it. */
export interface Deployment {
  chainId: number;
  chainName: string;
  rpcUrl: string;
  /** The read API over the platform's index (histories, registers, statements), ending with a slash. */
  apiUrl: string;
  nativeCurrency: { name: string; symbol: string; decimals: number };
  deploymentBlock: bigint;
  /** False when the build had no deployment manifest: no page can reach a contract. */
  deployed: boolean;
  contracts: Partial<Record<string, DeployedContract>>;
}

export class ContractNotDeployedError extends Error {
  constructor(name: string, chainId: number) {
    super(`${name} is not deployed on chain ${chainId}`);
    this.name = 'ContractNotDeployedError';
  }
}

export function contractAddress(deployment: Deployment, name: string): Address {
  const entry = deployment.contracts[name];
  if (!entry) throw new ContractNotDeployedError(name, deployment.chainId);
  return entry.address;
}
