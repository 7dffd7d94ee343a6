// The registrar's view of the read API's investors: a country as its letters, the flags as words.
import rules from '../../../keiretsu/rules.json';
import type { ApiInvestor } from './api';
import { FLAG_ISSUER, FLAG_QUALIFIED, FLAG_REVOKED } from './identityRecord';

const ALPHA2_BY_NUMERIC = new Map(rules.countries.map((country) => [country.numeric, country.alpha2]));

/** "CL" for 152; the bare number for a code outside ISO 3166-1. */
export function countryLetters(code: number): string {
  return ALPHA2_BY_NUMERIC.get(code) ?? String(code);
}

/** What a registrar must notice about a wallet, in words: removed, revoked, frozen, qualified, issuer. */
export function investorFlags(investor: Pick<ApiInvestor, 'flags' | 'registered' | 'frozen_in'>): string[] {
  return [
    !investor.registered && 'removed',
    (investor.flags & FLAG_REVOKED) !== 0 && 'revoked',
    ...investor.frozen_in.map((symbol) => `frozen in ${symbol}`),
    (investor.flags & FLAG_QUALIFIED) !== 0 && 'qualified',
    (investor.flags & FLAG_ISSUER) !== 0 && 'issuer',
  ].filter((flag): flag is string => Boolean(flag));
}
