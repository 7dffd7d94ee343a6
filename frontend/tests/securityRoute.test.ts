import { describe, expect, it } from 'vitest';
import { findSecurity } from '../src/lib/securityRoute';

const andes = { symbol: 'ANDES', isin: 'CL0000ANDES5' };
const pampa = { symbol: 'PAMPA', isin: 'AR000PAMPA07' };
// A symbol may look like an ISIN: the symbol wins.
const lookalike = { symbol: 'AR000PAMPA07', isin: 'CH0000000018' };
const securities = [andes, pampa, lookalike];

describe('the security route', () => {
  it('opens the security its symbol names, in any case', () => {
    expect(findSecurity(securities, 'ANDES')).toBe(andes);
    expect(findSecurity(securities, 'andes')).toBe(andes);
    expect(findSecurity(securities, ' PaMpA ')).toBe(pampa);
  });

  it('falls back to the ISIN and finds nothing for an unknown name', () => {
    expect(findSecurity(securities, 'CL0000ANDES5')).toBe(andes);
    expect(findSecurity(securities, 'AR000PAMPA07')).toBe(lookalike);
    expect(findSecurity(securities, 'ANDE')).toBeUndefined();
    expect(findSecurity(securities, 'ıNDES')).toBeUndefined();
  });
});
