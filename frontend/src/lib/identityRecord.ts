// Decodes the registry's packed wallet word (contracts/lib/identity_record.vy).

export const KIND_NATURAL_PERSON = 1;
export const KIND_ENTERPRISE = 2;
export const FLAG_QUALIFIED = 1;
export const FLAG_ISSUER = 2;
export const FLAG_REVOKED = 128;

export interface IdentityRecord {
  identity: bigint;
  country: number;
  kind: number;
  flags: number;
  expiry: bigint;
  qualified: boolean;
  issuer: boolean;
  revoked: boolean;
}

const mask = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

/** null for a zero word: an unregistered wallet. */
export function decodeIdentityRecord(word: bigint): IdentityRecord | null {
  if (word === 0n) return null;
  const flags = Number((word >> 184n) & mask(8));
  return {
    identity: word & mask(160),
    country: Number((word >> 160n) & mask(16)),
    kind: Number((word >> 176n) & mask(8)),
    flags,
    expiry: (word >> 192n) & mask(40),
    qualified: (flags & FLAG_QUALIFIED) !== 0,
    issuer: (flags & FLAG_ISSUER) !== 0,
    revoked: (flags & FLAG_REVOKED) !== 0,
  };
}

export type KycStatus = 'unregistered' | 'verified' | 'expired' | 'revoked';

/** The registry's isVerified rule: registered, not revoked, expiry strictly after `now` (unix seconds). */
export function kycStatus(record: IdentityRecord | null, now: bigint): KycStatus {
  if (!record) return 'unregistered';
  if (record.revoked) return 'revoked';
  return record.expiry > now ? 'verified' : 'expired';
}
