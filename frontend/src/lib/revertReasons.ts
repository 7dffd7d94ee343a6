// The contracts revert with short lowercase reasons prefixed by the contract ("token: sender frozen").
// People read the sentence; the raw reason stays visible beside it for support.

/** Sentences for the reasons a person can meet; a reason missing here still reads well through the fallback. */
export const FRIENDLY_REASONS: Readonly<Record<string, string>> = {
  // ERC-1404 restrictions (contracts/lib/restrictions.vy): the token refuses a transfer.
  'token: no restriction': 'The transfer is allowed.',
  'token: transfers paused': 'Transfers of this security are paused by its agent.',
  'token: sender not verified': 'The sending wallet has no valid KYC verification.',
  'token: recipient not verified': 'The receiving wallet has no valid KYC verification.',
  'token: sender frozen': 'The sending wallet is frozen for this security.',
  'token: recipient frozen': 'The receiving wallet is frozen for this security.',
  'token: insufficient free balance':
    'Not enough free shares: some may be held by open sell orders or frozen.',
  'token: lock-up period active': 'These shares are still in their lock-up period.',
  'token: holder limit reached': 'This security has reached its maximum number of holders.',
  'token: balance limit exceeded': 'This would take the recipient above the maximum holding allowed.',
  'token: recipient country not allowed': "This security cannot be held by investors from the recipient's country.",
  'token: insufficient held balance': 'Not enough shares are held for this order.',
  'token: unknown restriction code': 'The transfer is refused for a reason the token does not name.',
  // Token operations.
  'token: amount exceeds balance': 'The amount is more than the balance.',
  'token: insufficient allowance': 'The spender is not allowed to move that many shares.',
  'token: zero amount': 'The amount must be more than zero.',
  'token: supply cap': 'This would exceed the maximum number of shares of the security.',
  'token: burn exceeds unheld balance': 'Cannot burn shares that are held by open orders.',
  'token: freeze exceeds free balance': 'Cannot freeze more shares than the wallet holds freely.',
  'token: unfreeze exceeds frozen': 'Cannot unfreeze more shares than are frozen.',
  'token: new wallet not verified': 'The new wallet must be KYC-verified before shares are recovered to it.',
  'token: not the same identity': 'The new wallet belongs to another investor.',
  'token: nothing to recover': 'The old wallet holds nothing to recover.',
  'token: already paused': 'Transfers are already paused.',
  'token: not paused': 'Transfers are not paused.',
  // Issuance and listing.
  'factory: invalid isin': 'The ISIN is not valid: check its check digit.',
  'factory: isin already listed': 'A security with this ISIN is already listed.',
  'factory: issuer not verified': 'The issuer has no valid KYC verification.',
  'factory: issuer not an enterprise': 'Only enterprises can issue securities.',
  'factory: not an issuer': 'This wallet is not registered as an issuer.',
  'factory: unknown isin': 'No security is listed under this ISIN.',
  'factory: unknown security': 'This security is not listed on the platform.',
  'factory: not trading': 'This security is not trading.',
  'factory: not halted': 'This security is not halted.',
  'factory: already delisted': 'This security is already delisted.',
  'factory: empty name or symbol': 'A security needs a name and a symbol.',
  // Primary offering and market.
  'offering: sold out': 'The offering is sold out.',
  'market: halted': 'Trading in this security is halted.',
};

const CONTRACT_NAMES: Readonly<Record<string, string>> = {
  token: 'security token',
  factory: 'issuance factory',
  registry: 'identity registry',
  offering: 'offering',
  market: 'order book',
  cash: 'cash token',
};

/** The sentence for a revert reason, falling back to naming the contract and quoting the reason. */
export function friendlyRevertReason(reason: string): string {
  const known = FRIENDLY_REASONS[reason];
  if (known) return known;
  const match = /^([a-z_]+): (.+)$/.exec(reason);
  const contract = match?.[1] ? CONTRACT_NAMES[match[1]] : undefined;
  if (match && contract) return `The ${contract} refused this: ${match[2]}.`;
  return `The contract refused this: ${reason}.`;
}
