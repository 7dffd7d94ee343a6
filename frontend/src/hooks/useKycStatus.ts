import { parseAbi, type Address } from 'viem';
import { useBlock, useReadContract } from 'wagmi';
import { deployment } from '../config/deployment';
import { decodeIdentityRecord, kycStatus, type IdentityRecord, type KycStatus } from '../lib/identityRecord';

// contracts/interfaces/IIdentityRegistry.vyi: the registry's read interface shared by every contract.
const identityRegistryReadAbi = parseAbi(['function wallet_record(address wallet) view returns (uint256)']);

export type KycView =
  | { status: 'unavailable' }
  | { status: 'loading' }
  | { status: KycStatus; record: IdentityRecord | null };

/** The KYC standing of a wallet as the token sees it: record from the registry, time from the chain. */
export function useKycStatus(wallet: Address | undefined): KycView {
  const registry = deployment.contracts.IdentityRegistry?.address;
  const record = useReadContract({
    address: registry,
    abi: identityRegistryReadAbi,
    functionName: 'wallet_record',
    args: wallet ? [wallet] : undefined,
    query: { enabled: Boolean(registry && wallet) },
  });
  const block = useBlock({ watch: true, query: { enabled: Boolean(registry && wallet) } });
  if (!registry || !wallet) return { status: 'unavailable' };
  if (record.data === undefined || !block.data) return record.isError ? { status: 'unavailable' } : { status: 'loading' };
  const decoded = decodeIdentityRecord(record.data);
  return { status: kycStatus(decoded, block.data.timestamp), record: decoded };
}
