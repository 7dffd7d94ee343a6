// ISIN (ISO 6166): 2-letter country code, 9 letters or digits, 1 check digit. Letters count as two
// digits (A = 10 … Z = 35) and the Luhn test runs over the expanded digit string, check digit
// included. Same rule as contracts/lib/isin.vy, so the dApp refuses what the factory would revert on.

const ISIN_SHAPE = /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/;

function expandDigits(code: string): string {
  return [...code].map((char) => parseInt(char, 36).toString()).join('');
}

function luhnSum(digits: string, checkDigitIncluded: boolean): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    const position = digits.length - 1 - i + (checkDigitIncluded ? 0 : 1);
    let digit = Number(digits[i]);
    if (position % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum;
}

/** The check digit for the first 11 characters of an ISIN. */
export function isinCheckDigit(first11: string): number {
  if (!/^[A-Z]{2}[A-Z0-9]{9}$/.test(first11)) throw new Error('an ISIN body is 2 letters and 9 letters or digits');
  return (10 - (luhnSum(expandDigits(first11), false) % 10)) % 10;
}

/** Why an ISIN is invalid, or null when it is valid. Expects upper case (see normaliseIsin). */
export function isinProblem(code: string): string | null {
  if (code.length !== 12) return `An ISIN has 12 characters, this has ${code.length}.`;
  if (!/^[A-Z]{2}/.test(code)) return 'An ISIN starts with a two-letter country code.';
  if (!/^[A-Z]{2}[A-Z0-9]{9}/.test(code)) return 'Characters 3 to 11 of an ISIN are letters or digits.';
  if (!ISIN_SHAPE.test(code)) return 'The last character of an ISIN is its check digit.';
  const expected = isinCheckDigit(code.slice(0, 11));
  if (Number(code[11]) !== expected) return `Check digit mismatch: ${code.slice(0, 11)} ends in ${expected}.`;
  return null;
}

export function isValidIsin(code: string): boolean {
  return isinProblem(code) === null;
}

/** Trims spaces (people paste "US 037833 100 5") and upper-cases. */
export function normaliseIsin(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}
