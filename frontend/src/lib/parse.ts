// Turning what a person types into exact on-chain values, with a sentence when it cannot be done.
import { getAddress, isAddress, type Address } from 'viem';
import { formatUnitsExact } from './format';
import { isinProblem, normaliseIsin } from './isin';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

const UINT256_MAX = (1n << 256n) - 1n;

export interface AmountRules {
  /** Refuse zero (default true: nobody sends, buys or mints nothing). */
  positive?: boolean;
  max?: bigint;
}

/**
 * "1,234.5" with 6 decimals -> 1234500000n. Accepts thousands commas and surrounding spaces;
 * refuses signs, exponents and more fraction digits than the token has.
 */
export function parseAmount(input: string, decimals: number, rules: AmountRules = {}): Parsed<bigint> {
  const { positive = true, max = UINT256_MAX } = rules;
  const text = input.trim().replace(/,(?=\d{3}(\D|$))/g, '');
  if (text === '') return fail('Enter an amount.');
  if (text.startsWith('-')) return fail('The amount cannot be negative.');
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) return fail('Enter a number such as 12.5.');
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    return fail(decimals === 0 ? 'Enter a whole number.' : `Use at most ${decimals} decimal places.`);
  }
  const value = BigInt(whole || '0') * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (positive && value === 0n) return fail('The amount must be more than zero.');
  if (value > max) return fail(`The amount is more than the maximum of ${formatUnitsExact(max, decimals)}.`);
  return ok(value);
}

export interface LotRules {
  /** Share base units per lot (the order book's quantity step). */
  lotSize: bigint;
  shareDecimals: number;
  maxLots?: bigint;
}

/** A number of lots ("25") -> the lot count and the share amount it stands for. */
export function parseLots(input: string, rules: LotRules): Parsed<{ lots: bigint; amount: bigint }> {
  const text = input.trim();
  if (text === '') return fail('Enter a number of lots.');
  if (!/^\d+$/.test(text)) return fail('Lots are whole numbers.');
  const lots = BigInt(text);
  if (lots === 0n) return fail('Enter at least one lot.');
  if (rules.maxLots !== undefined && lots > rules.maxLots) return fail(`At most ${rules.maxLots} lots.`);
  return ok({ lots, amount: lots * rules.lotSize });
}

/** A share amount ("150") that must be a whole number of lots. */
export function parseShareAmountInLots(input: string, rules: LotRules): Parsed<{ lots: bigint; amount: bigint }> {
  const amount = parseAmount(input, rules.shareDecimals);
  if (!amount.ok) return amount;
  if (amount.value % rules.lotSize !== 0n) {
    return fail(`Shares trade in lots of ${formatUnitsExact(rules.lotSize, rules.shareDecimals)}.`);
  }
  return ok({ lots: amount.value / rules.lotSize, amount: amount.value });
}

export interface TickRules {
  /** Cash base units per tick. */
  tickSize: bigint;
  cashDecimals: number;
  maxTicks?: bigint;
}

/** A price ("12.50") -> ticks, refusing prices between two ticks. */
export function parsePriceToTicks(input: string, rules: TickRules): Parsed<bigint> {
  const cash = parseAmount(input, rules.cashDecimals);
  if (!cash.ok) return fail(cash.error.replace('amount', 'price'));
  if (cash.value % rules.tickSize !== 0n) {
    return fail(`Prices move in steps of ${formatUnitsExact(rules.tickSize, rules.cashDecimals)}.`);
  }
  const ticks = cash.value / rules.tickSize;
  if (rules.maxTicks !== undefined && ticks > rules.maxTicks) return fail('The price is above the highest allowed.');
  return ok(ticks);
}

/** An ISIN as typed -> the normalised code, or the reason it is not one. */
export function parseIsin(input: string): Parsed<string> {
  const code = normaliseIsin(input);
  if (code === '') return fail('Enter an ISIN.');
  const problem = isinProblem(code);
  return problem ? fail(problem) : ok(code);
}

/** A wallet address -> its checksummed form. A mixed-case address must have a correct checksum. */
export function parseAddress(input: string): Parsed<Address> {
  const text = input.trim();
  if (text === '') return fail('Enter an address.');
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) return fail('An address is 0x followed by 40 hexadecimal characters.');
  if (!isAddress(text)) return fail('The address checksum does not match: check for a typo.');
  if (/^0x0{40}$/.test(text)) return fail('The zero address cannot be used.');
  return ok(getAddress(text));
}
