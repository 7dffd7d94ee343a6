// Form validation for the desks: every rule the contracts enforce, checked before anything is sent.
// The symbol, country and investor rules come from keiretsu/rules.json, which the CLI reads too.
import { keccak256, stringToHex, toHex, type Hex } from 'viem';
import rules from '../../../keiretsu/rules.json';
import { recordDateHorizonError } from './corporateActions';
import { parseAddress, parseAmount, parseIsin, type Parsed } from './parse';

export type Errors<T> = Partial<Record<keyof T, string>>;
export type Validated<Input, Output> = { ok: true; value: Output } | { ok: false; errors: Errors<Input> };

function collect<Input, Output>(errors: Errors<Input>, build: () => Output): Validated<Input, Output> {
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: build() };
}

const field = <T>(parsed: Parsed<T>, errors: Record<string, string>, name: string): T | undefined => {
  if (parsed.ok) return parsed.value;
  errors[name] = parsed.error;
  return undefined;
};

/** "2027-06-30" or "2027-06-30T12:00" read as UTC -> unix seconds. */
export function parseDateTime(input: string): Parsed<bigint> {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Enter a date.' };
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text);
  if (!match) return { ok: false, error: 'Enter a date as YYYY-MM-DD (and a time as HH:MM, UTC).' };
  const [, year, month, day, hour = '00', minute = '00'] = match;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute));
  const date = new Date(ms);
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59) {
    return { ok: false, error: 'That date does not exist.' };
  }
  return { ok: true, value: BigInt(ms / 1000) };
}

/** Unix seconds -> the "YYYY-MM-DDTHH:MM" a datetime-local input shows (UTC). */
export function toDateTimeInput(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 16);
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

function text(input: string, label: string, max: number): Parsed<string> {
  const value = input.trim();
  if (value === '') return { ok: false, error: `Enter ${label}.` };
  if (utf8Length(value) > max) return { ok: false, error: `At most ${max} bytes.` };
  return { ok: true, value };
}

/** A bytes32 document name ("prospectus"): at most 32 bytes, right-padded with zeros. */
export function parseDocumentName(input: string): Parsed<Hex> {
  const name = text(input, 'a document name', 32);
  return name.ok ? { ok: true, value: stringToHex(name.value, { size: 32 }) } : name;
}

/** A document hash: 0x + 64 hex digits. */
export function parseHash(input: string): Parsed<Hex> {
  const value = input.trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) return { ok: false, error: 'A hash is 0x followed by 64 hexadecimal characters.' };
  if (/^0x0{64}$/.test(value)) return { ok: false, error: 'The hash cannot be zero.' };
  return { ok: true, value: value.toLowerCase() as Hex };
}

/** The keccak-256 of a file's bytes, as setDocument expects. */
export function hashBytes(bytes: Uint8Array): Hex {
  return keccak256(toHex(bytes));
}

function whole(input: string, label: string, min: bigint, max: bigint): Parsed<bigint> {
  const value = input.trim();
  if (!/^\d+$/.test(value)) return { ok: false, error: `${label} is a whole number.` };
  const number = BigInt(value);
  if (number < min || number > max) return { ok: false, error: `${label} is between ${min} and ${max}.` };
  return { ok: true, value: number };
}

// --- Shared rules (keiretsu/rules.json) ---------------------------------------------------------

export const SYMBOL_RULE = rules.symbol.rule;
const SYMBOL = new RegExp(`^(?:${rules.symbol.pattern})$`);
const ASCII = /^[\x00-\x7f]*$/;

/** Symbols are case-insensitive and listed in capitals; only ASCII is capitalised, so that no other letter turns into a valid one. */
export function normaliseSymbol(input: string): string {
  const text = input.trim();
  return ASCII.test(text) ? text.toUpperCase() : text;
}

/** The listed form of a ticker symbol ("andes" -> "ANDES"). */
export function parseSymbol(input: string): Parsed<string> {
  const symbol = normaliseSymbol(input);
  if (symbol === '') return { ok: false, error: 'Enter a ticker symbol.' };
  return SYMBOL.test(symbol) ? { ok: true, value: symbol } : { ok: false, error: `A symbol is ${SYMBOL_RULE}.` };
}

export type InvestorKind = keyof typeof rules.investor_kinds;
export const INVESTOR_KINDS: Record<InvestorKind, number> = rules.investor_kinds;
const ISSUER_KINDS = new Set(rules.issuer_kinds.map((name) => INVESTOR_KINDS[name as InvestorKind]));
const ISSUER_RULE = `${rules.issuer_rule.charAt(0).toUpperCase()}${rules.issuer_rule.slice(1)}.`;
export const FLAG_QUALIFIED = rules.flags.qualified;
export const FLAG_ISSUER = rules.flags.issuer;

const COUNTRY_BY_ALPHA2 = new Map(rules.countries.map((country) => [country.alpha2, country]));
const COUNTRY_BY_NUMERIC = new Map(rules.countries.map((country) => [country.numeric, country]));

/** An ISO 3166-1 country written as alpha-2 ("CL", "cl") or numeric ("152", "076") -> its numeric code. */
export function parseCountry(input: string): Parsed<number> {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Enter a country.' };
  const country = /^[0-9]{1,3}$/.test(text) ? COUNTRY_BY_NUMERIC.get(Number(text)) : ASCII.test(text) ? COUNTRY_BY_ALPHA2.get(text.toUpperCase()) : undefined;
  return country ? { ok: true, value: country.numeric } : { ok: false, error: 'Enter an ISO 3166 country: two letters such as CL, or a number such as 152.' };
}

/** "Chile" for 152; the bare number for a code outside ISO 3166-1. */
export function countryName(code: number): string {
  return COUNTRY_BY_NUMERIC.get(code)?.name ?? String(code);
}

// --- Registrar ---------------------------------------------------------------------------------

export interface OnboardingInput {
  wallet: string;
  kycReference: string;
  kind: string;
  country: string;
  expiry: string;
  qualified: boolean;
  issuer: boolean;
}
export interface Onboarding {
  wallet: Hex;
  kycHash: Hex;
  kind: number;
  country: number;
  expiry: bigint;
  flags: number;
}

/** register_investor's arguments; the KYC hash is the keccak-256 of the KYC file reference. */
export function validateOnboarding(input: OnboardingInput, now: bigint): Validated<OnboardingInput, Onboarding> {
  const errors: Record<string, string> = {};
  const wallet = field(parseAddress(input.wallet), errors, 'wallet');
  const reference = field(text(input.kycReference, 'the KYC file reference', 256), errors, 'kycReference');
  const kind = Object.values(INVESTOR_KINDS).find((code) => String(code) === input.kind);
  if (kind === undefined) errors.kind = 'Choose a natural person or an enterprise.';
  const country = field(parseCountry(input.country), errors, 'country');
  const expiry = field(parseDateTime(input.expiry), errors, 'expiry');
  if (expiry !== undefined && expiry <= now) errors.expiry = 'The KYC expiry must be in the future.';
  if (input.issuer && (kind === undefined || !ISSUER_KINDS.has(kind))) errors.issuer = ISSUER_RULE;
  return collect(errors, () => ({
    wallet: wallet!,
    kycHash: keccak256(stringToHex(reference!)),
    kind: kind!,
    country: country!,
    expiry: expiry!,
    flags: (input.qualified ? FLAG_QUALIFIED : 0) | (input.issuer ? FLAG_ISSUER : 0),
  }));
}

// --- Issuer ------------------------------------------------------------------------------------

export interface IssuanceInput {
  isin: string;
  name: string;
  symbol: string;
  decimals: string;
  lotSize: string;
  tickSize: string;
  maxHolders: string;
  prospectusUri: string;
  prospectusHash: string;
}
export interface Issuance {
  isin: string;
  name: string;
  symbol: string;
  decimals: number;
  /** Share base units per lot. */
  lotSize: bigint;
  /** Cash base units per tick. */
  tickSize: bigint;
  maxHolders: bigint;
  prospectus: { uri: string; hash: Hex } | null;
}

const MAX_48_BITS = (1n << 48n) - 1n;

export function validateIssuance(input: IssuanceInput, cashDecimals: number): Validated<IssuanceInput, Issuance> {
  const errors: Record<string, string> = {};
  const isin = field(parseIsin(input.isin), errors, 'isin');
  const name = field(text(input.name, 'the company name', 64), errors, 'name');
  const symbol = field(parseSymbol(input.symbol), errors, 'symbol');
  const decimals = field(whole(input.decimals, 'Decimals', 0n, 18n), errors, 'decimals');
  const lotSize = decimals === undefined ? undefined : field(parseAmount(input.lotSize, Number(decimals), { max: MAX_48_BITS }), errors, 'lotSize');
  const tickSize = field(parseAmount(input.tickSize, cashDecimals, { max: MAX_48_BITS }), errors, 'tickSize');
  const maxHolders = input.maxHolders.trim() === '' ? 0n : field(whole(input.maxHolders, 'The holder limit', 0n, 1_000_000n), errors, 'maxHolders');
  let prospectus: Issuance['prospectus'] = null;
  if (input.prospectusUri.trim() !== '' || input.prospectusHash.trim() !== '') {
    const uri = field(text(input.prospectusUri, 'the prospectus address', 256), errors, 'prospectusUri');
    const hash = field(parseHash(input.prospectusHash), errors, 'prospectusHash');
    if (uri && hash) prospectus = { uri, hash };
  }
  return collect(errors, () => ({
    isin: isin!,
    name: name!,
    symbol: symbol!,
    decimals: Number(decimals),
    lotSize: lotSize!,
    tickSize: tickSize!,
    maxHolders: maxHolders!,
    prospectus,
  }));
}

export interface OfferingInput {
  price: string;
  lot: string;
  minPerInvestor: string;
  maxPerInvestor: string;
  softCap: string;
  hardCap: string;
  start: string;
  end: string;
}
export interface OfferingTerms {
  price: bigint;
  lot: bigint;
  minPerInvestor: bigint;
  maxPerInvestor: bigint;
  softCap: bigint;
  hardCap: bigint;
  startTime: bigint;
  endTime: bigint;
}

/** OfferingTerms: price per lot in cash; lot, limits and caps in shares (whole lots). */
export function validateOffering(input: OfferingInput, shareDecimals: number, cashDecimals: number, now: bigint): Validated<OfferingInput, OfferingTerms> {
  const errors: Record<string, string> = {};
  const price = field(parseAmount(input.price, cashDecimals), errors, 'price');
  const lot = field(parseAmount(input.lot, shareDecimals), errors, 'lot');
  const shares = (name: keyof OfferingInput, positive = true) => field(parseAmount(input[name], shareDecimals, { positive }), errors, name);
  const minPerInvestor = input.minPerInvestor.trim() === '' ? 0n : shares('minPerInvestor', false);
  const maxPerInvestor = shares('maxPerInvestor');
  const softCap = shares('softCap');
  const hardCap = shares('hardCap');
  const start = field(parseDateTime(input.start), errors, 'start');
  const end = field(parseDateTime(input.end), errors, 'end');
  const inLots = (name: keyof OfferingInput, value: bigint | undefined) => {
    if (lot && value !== undefined && value % lot !== 0n && !errors[name]) errors[name] = 'Must be a whole number of lots.';
  };
  inLots('minPerInvestor', minPerInvestor);
  inLots('maxPerInvestor', maxPerInvestor);
  inLots('softCap', softCap);
  inLots('hardCap', hardCap);
  if (softCap !== undefined && hardCap !== undefined && softCap > hardCap) errors.softCap = 'The soft cap cannot be above the hard cap.';
  if (minPerInvestor !== undefined && maxPerInvestor !== undefined && minPerInvestor > maxPerInvestor) errors.minPerInvestor = 'The minimum cannot be above the maximum.';
  if (maxPerInvestor !== undefined && hardCap !== undefined && maxPerInvestor > hardCap) errors.maxPerInvestor = 'The maximum per investor cannot be above the hard cap.';
  if (start !== undefined && end !== undefined && start >= end) errors.end = 'The end must be after the start.';
  if (end !== undefined && end <= now) errors.end = 'The end must be in the future.';
  return collect(errors, () => ({
    price: price!,
    lot: lot!,
    minPerInvestor: minPerInvestor!,
    maxPerInvestor: maxPerInvestor!,
    softCap: softCap!,
    hardCap: hardCap!,
    startTime: start!,
    endTime: end!,
  }));
}

export interface DividendInput {
  amount: string;
  recordDate: string;
  paymentDate: string;
  expiry: string;
}
export interface DividendTerms {
  amount: bigint;
  recordTimestamp: bigint;
  paymentDate: bigint;
  expiry: bigint;
}

/** A record date the token accepts: in the future, within its horizon. */
function recordDateError(record: bigint, now: bigint): string | undefined {
  return record <= now ? 'The record date must be in the future.' : recordDateHorizonError(record, now);
}

export function validateDividend(input: DividendInput, cashDecimals: number, now: bigint): Validated<DividendInput, DividendTerms> {
  const errors: Record<string, string> = {};
  const amount = field(parseAmount(input.amount, cashDecimals, { max: (1n << 128n) - 1n }), errors, 'amount');
  const record = field(parseDateTime(input.recordDate), errors, 'recordDate');
  const payment = field(parseDateTime(input.paymentDate), errors, 'paymentDate');
  const expiry = field(parseDateTime(input.expiry), errors, 'expiry');
  const recordError = record === undefined ? undefined : recordDateError(record, now);
  if (recordError) errors.recordDate = recordError;
  if (record !== undefined && payment !== undefined && payment < record) errors.paymentDate = 'Payment cannot come before the record date.';
  if (payment !== undefined && expiry !== undefined && expiry <= payment) errors.expiry = 'The claim deadline must be after the payment date.';
  return collect(errors, () => ({ amount: amount!, recordTimestamp: record!, paymentDate: payment!, expiry: expiry! }));
}

export interface VoteInput {
  question: string;
  choices: string;
  recordDate: string;
  closesAt: string;
}
export interface VoteTerms {
  question: string;
  choices: string[];
  recordTimestamp: bigint;
  closesAt: bigint;
}

/** Choices one per line, 2 to 8, each at most 64 bytes. */
export function validateVote(input: VoteInput, now: bigint): Validated<VoteInput, VoteTerms> {
  const errors: Record<string, string> = {};
  const question = field(text(input.question, 'the question', 256), errors, 'question');
  const choices = input.choices.split('\n').map((choice) => choice.trim()).filter(Boolean);
  if (choices.length < 2 || choices.length > 8) errors.choices = 'Give 2 to 8 choices, one per line.';
  else if (choices.some((choice) => utf8Length(choice) > 64)) errors.choices = 'Each choice is at most 64 bytes.';
  const record = field(parseDateTime(input.recordDate), errors, 'recordDate');
  const closes = field(parseDateTime(input.closesAt), errors, 'closesAt');
  const recordError = record === undefined ? undefined : recordDateError(record, now);
  if (recordError) errors.recordDate = recordError;
  if (record !== undefined && closes !== undefined && closes <= record) errors.closesAt = 'The vote must close after the record date.';
  return collect(errors, () => ({ question: question!, choices, recordTimestamp: record!, closesAt: closes! }));
}

export interface DocumentInput {
  name: string;
  uri: string;
  hash: string;
}

export function validateDocument(input: DocumentInput): Validated<DocumentInput, { name: Hex; uri: string; hash: Hex }> {
  const errors: Record<string, string> = {};
  const name = field(parseDocumentName(input.name), errors, 'name');
  const uri = field(text(input.uri, 'the document address', 256), errors, 'uri');
  const hash = field(parseHash(input.hash), errors, 'hash');
  return collect(errors, () => ({ name: name!, uri: uri!, hash: hash! }));
}
