// The route #/security/:symbol names one security: symbols are unique on the platform (the
// factory refuses a second one in any case) and need no escaping in a link (letters and digits).
import { normaliseSymbol } from './validation';

interface Named {
  symbol: string;
  isin: string;
}

/** The security a route names by its symbol in any case ("andes" opens ANDES), or by its ISIN. */
export function findSecurity<T extends Named>(securities: readonly T[], routeName: string): T | undefined {
  const wanted = normaliseSymbol(routeName);
  return securities.find((security) => normaliseSymbol(security.symbol) === wanted) ?? securities.find((security) => security.isin === wanted);
}
