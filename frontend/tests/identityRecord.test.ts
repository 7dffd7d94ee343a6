import { describe, expect, it } from 'vitest';
import {
  decodeIdentityRecord,
  FLAG_ISSUER,
  FLAG_QUALIFIED,
  FLAG_REVOKED,
  KIND_ENTERPRISE,
  kycStatus,
} from '../src/lib/identityRecord';

/** Same layout as identity_record._pack. */
function pack(identity: bigint, country: number, kind: number, flags: number, expiry: bigint): bigint {
  return identity | (BigInt(country) << 160n) | (BigInt(kind) << 176n) | (BigInt(flags) << 184n) | (expiry << 192n);
}

describe('identity record', () => {
  const identity = 0xabcdef0123456789abcdef0123456789abcdef01n;

  it('decodes every field of a packed word', () => {
    const word = pack(identity, 392, KIND_ENTERPRISE, FLAG_QUALIFIED | FLAG_ISSUER, 1_900_000_000n);
    expect(decodeIdentityRecord(word)).toEqual({
      identity,
      country: 392,
      kind: KIND_ENTERPRISE,
      flags: 3,
      expiry: 1_900_000_000n,
      qualified: true,
      issuer: true,
      revoked: false,
    });
  });

  it('reads a zero word as an unregistered wallet', () => {
    expect(decodeIdentityRecord(0n)).toBeNull();
    expect(kycStatus(null, 0n)).toBe('unregistered');
  });

  it('follows the registry rule for expiry and revocation', () => {
    const record = decodeIdentityRecord(pack(identity, 276, 1, 0, 1_000n));
    expect(kycStatus(record, 999n)).toBe('verified');
    expect(kycStatus(record, 1_000n)).toBe('expired');
    const revoked = decodeIdentityRecord(pack(identity, 276, 1, FLAG_REVOKED, 5_000n));
    expect(kycStatus(revoked, 999n)).toBe('revoked');
  });
});
