import { keccak256, stringToHex } from 'viem';
import { describe, expect, it } from 'vitest';
import cases from '../../tests/data/validation_cases.json';
import {
  FLAG_ISSUER,
  INVESTOR_KINDS,
  SYMBOL_RULE,
  countryName,
  hashBytes,
  parseDateTime,
  parseDocumentName,
  parseHash,
  toDateTimeInput,
  validateDividend,
  validateDocument,
  validateIssuance,
  validateOffering,
  validateOnboarding,
  validateVote,
  type InvestorKind,
  type IssuanceInput,
  type OnboardingInput,
} from '../src/lib/validation';

const NOW = 1_790_000_000n; // 21 Sep 2026
const wallet = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('dates', () => {
  it('reads dates and times as UTC and refuses impossible ones', () => {
    expect(parseDateTime('2027-01-02')).toEqual({ ok: true, value: 1_798_848_000n });
    expect(parseDateTime('2027-01-02T12:30')).toEqual({ ok: true, value: 1_798_893_000n });
    expect(parseDateTime('2027-02-30')).toEqual({ ok: false, error: 'That date does not exist.' });
    expect(parseDateTime('02/01/2027')).toEqual({ ok: false, error: 'Enter a date as YYYY-MM-DD (and a time as HH:MM, UTC).' });
    expect(parseDateTime(' ')).toEqual({ ok: false, error: 'Enter a date.' });
    expect(toDateTimeInput(1_798_893_000n)).toBe('2027-01-02T12:30');
  });
});

describe('documents', () => {
  it('pads names to bytes32 and checks hashes', () => {
    expect(parseDocumentName('prospectus')).toEqual({ ok: true, value: stringToHex('prospectus', { size: 32 }) });
    expect(parseDocumentName('x'.repeat(33))).toEqual({ ok: false, error: 'At most 32 bytes.' });
    expect(parseHash('0x12')).toEqual({ ok: false, error: 'A hash is 0x followed by 64 hexadecimal characters.' });
    expect(parseHash(`0x${'0'.repeat(64)}`)).toEqual({ ok: false, error: 'The hash cannot be zero.' });
    expect(parseHash(`0x${'AB'.repeat(32)}`)).toEqual({ ok: true, value: `0x${'ab'.repeat(32)}` });
    expect(hashBytes(new TextEncoder().encode('abc'))).toBe(keccak256(stringToHex('abc')));
    expect(validateDocument({ name: '', uri: 'https://x', hash: '0x' })).toEqual({
      ok: false,
      errors: { name: 'Enter a document name.', hash: 'A hash is 0x followed by 64 hexadecimal characters.' },
    });
  });
});

describe('validateOnboarding', () => {
  const input = { wallet, kycReference: 'kyc/alice.pdf', kind: '1', country: '152', expiry: '2027-09-21', qualified: true, issuer: false };
  it('builds register_investor arguments, hashing the KYC reference', () => {
    expect(validateOnboarding(input, NOW)).toEqual({
      ok: true,
      value: { wallet, kycHash: keccak256(stringToHex('kyc/alice.pdf')), kind: 1, country: 152, expiry: 1_821_484_800n, flags: 1 },
    });
  });
  it('refuses every bad field at once', () => {
    const result = validateOnboarding({ ...input, wallet: '0x12', kycReference: '', country: '0', expiry: '2026-01-01', issuer: true }, NOW);
    expect(result).toEqual({
      ok: false,
      errors: {
        wallet: 'An address is 0x followed by 40 hexadecimal characters.',
        kycReference: 'Enter the KYC file reference.',
        country: 'Enter an ISO 3166 country: two letters such as CL, or a number such as 152.',
        expiry: 'The KYC expiry must be in the future.',
        issuer: 'Only an enterprise can be an issuer.',
      },
    });
  });
});

describe('validateIssuance', () => {
  const input = { isin: 'cl000acme000', name: 'Acme Andina SA', symbol: 'acme', decimals: '0', lotSize: '10', tickSize: '0.01', maxHolders: '', prospectusUri: '', prospectusHash: '' };
  it('normalises the ISIN and symbol and converts lot and tick to base units', () => {
    expect(validateIssuance(input, 6)).toEqual({
      ok: true,
      value: { isin: 'CL000ACME000', name: 'Acme Andina SA', symbol: 'ACME', decimals: 0, lotSize: 10n, tickSize: 10_000n, maxHolders: 0n, prospectus: null },
    });
  });
  it('refuses a bad check digit, a fractional lot of whole shares and half a prospectus', () => {
    const result = validateIssuance({ ...input, isin: 'CL000ACME001', lotSize: '1.5', tickSize: '0.0000001', prospectusUri: 'https://x' }, 6);
    expect(result).toEqual({
      ok: false,
      errors: {
        isin: 'Check digit mismatch: CL000ACME00 ends in 0.',
        lotSize: 'Enter a whole number.',
        tickSize: 'Use at most 6 decimal places.',
        prospectusHash: 'A hash is 0x followed by 64 hexadecimal characters.',
      },
    });
  });
});

describe('validateOffering', () => {
  const input = { price: '10', lot: '5', minPerInvestor: '', maxPerInvestor: '500', softCap: '100', hardCap: '1000', start: '2026-09-21', end: '2026-10-01' };
  it('turns prices and share counts into base units', () => {
    expect(validateOffering(input, 0, 6, NOW)).toEqual({
      ok: true,
      value: { price: 10_000_000n, lot: 5n, minPerInvestor: 0n, maxPerInvestor: 500n, softCap: 100n, hardCap: 1000n, startTime: 1_789_948_800n, endTime: 1_790_812_800n },
    });
  });
  it('enforces whole lots, cap order, the per-investor maximum and the schedule', () => {
    const result = validateOffering({ ...input, maxPerInvestor: '2000', softCap: '102', end: '2026-09-01' }, 0, 6, NOW);
    expect(result).toEqual({
      ok: false,
      errors: {
        softCap: 'Must be a whole number of lots.',
        maxPerInvestor: 'The maximum per investor cannot be above the hard cap.',
        end: 'The end must be in the future.',
      },
    });
    expect(validateOffering({ ...input, softCap: '2000' }, 0, 6, NOW)).toEqual({ ok: false, errors: { softCap: 'The soft cap cannot be above the hard cap.' } });
  });
});

describe('validateDividend and validateVote', () => {
  it('orders record date, payment and expiry', () => {
    expect(validateDividend({ amount: '1,000', recordDate: '2026-10-01', paymentDate: '2026-10-02', expiry: '2027-10-01' }, 6, NOW)).toEqual({
      ok: true,
      value: { amount: 1_000_000_000n, recordTimestamp: 1_790_812_800n, paymentDate: 1_790_899_200n, expiry: 1_822_348_800n },
    });
    expect(validateDividend({ amount: '0', recordDate: '2026-09-01', paymentDate: '2026-08-01', expiry: '2026-08-01' }, 6, NOW)).toEqual({
      ok: false,
      errors: {
        amount: 'The amount must be more than zero.',
        recordDate: 'The record date must be in the future.',
        paymentDate: 'Payment cannot come before the record date.',
        expiry: 'The claim deadline must be after the payment date.',
      },
    });
  });
  it("refuses a record date past the token's 400-day horizon", () => {
    const tooFar = { amount: '1', recordDate: '2027-10-27', paymentDate: '2027-10-28', expiry: '2028-10-01' };
    expect(validateDividend(tooFar, 6, NOW)).toEqual({ ok: false, errors: { recordDate: 'A record date can be at most 400 days ahead.' } });
    expect(validateDividend({ ...tooFar, recordDate: '2027-10-25' }, 6, NOW).ok).toBe(true);
    const vote = { question: 'Merge?', choices: 'Yes\nNo', recordDate: '2027-10-27', closesAt: '2027-11-03' };
    expect(validateVote(vote, NOW)).toEqual({ ok: false, errors: { recordDate: 'A record date can be at most 400 days ahead.' } });
  });
  it('takes 2 to 8 choices, one per line', () => {
    const vote = { question: 'Approve the accounts?', choices: 'For\n Against \n\n', recordDate: '2026-10-01', closesAt: '2026-10-08' };
    expect(validateVote(vote, NOW)).toEqual({ ok: true, value: { question: 'Approve the accounts?', choices: ['For', 'Against'], recordTimestamp: 1_790_812_800n, closesAt: 1_791_417_600n } });
    expect(validateVote({ ...vote, choices: 'Yes', closesAt: '2026-09-30' }, NOW)).toEqual({
      ok: false,
      errors: { choices: 'Give 2 to 8 choices, one per line.', closesAt: 'The vote must close after the record date.' },
    });
  });
});

// The same table feeds the CLI's tests (tests/test_onboard.py): both sides apply keiretsu/rules.json.
describe('shared validation cases', () => {
  const onboarding = (overrides: Partial<OnboardingInput>): OnboardingInput => ({
    wallet, kycReference: 'dossier-1', kind: '1', country: 'CL', expiry: '2030-01-01', qualified: false, issuer: false, ...overrides,
  });
  const issuance = (symbol: string): IssuanceInput => ({
    isin: 'CL000COBRE33', name: 'Cobre Andino SA', symbol, decimals: '0', lotSize: '1', tickSize: '0.01', maxHolders: '', prospectusUri: '', prospectusHash: '',
  });

  it.each(cases.symbol)('symbol $input', ({ input, listed_as }) => {
    const result = validateIssuance(issuance(input), 6);
    if (listed_as === null) expect(result).toEqual({ ok: false, errors: { symbol: `A symbol is ${SYMBOL_RULE}.` } });
    else expect(result.ok && result.value.symbol).toBe(listed_as);
  });

  it.each(cases.country)('country $input', ({ input, code, name }) => {
    const result = validateOnboarding(onboarding({ country: input }), NOW);
    if (code === null) expect(result.ok ? undefined : result.errors.country).toMatch(/^Enter an ISO 3166 country/);
    else {
      expect(result.ok && result.value.country).toBe(code);
      expect(countryName(code)).toBe(name);
    }
  });

  it.each(cases.issuer)('$kind with issuer $issuer', ({ kind, issuer, accepted }) => {
    const result = validateOnboarding(onboarding({ kind: String(INVESTOR_KINDS[kind as InvestorKind]), issuer }), NOW);
    if (accepted) expect(result.ok && result.value.flags).toBe(issuer ? FLAG_ISSUER : 0);
    else expect(result).toEqual({ ok: false, errors: { issuer: 'Only an enterprise can be an issuer.' } });
  });
});
