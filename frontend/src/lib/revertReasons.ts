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
  'token: insufficient allowance': 'The spender is not allowed to move that many shares.',
  'token: zero amount': 'The amount must be more than zero.',
  'token: supply cap': 'This would exceed the maximum number of shares of the security.',
  'token: exceeds unheld balance; force_cancel orders first':
    "Some of these shares are held by the wallet's open sell orders: force-cancel those orders first, then retry.",
  'token: freeze exceeds free balance': 'Cannot freeze more shares than the wallet holds freely.',
  'token: unfreeze exceeds frozen': 'Cannot unfreeze more shares than are frozen.',
  'token: new wallet not verified': 'The new wallet must be KYC-verified before shares are recovered to it.',
  'token: not the same identity': 'The new wallet belongs to another investor.',
  'token: nothing to recover': 'The old wallet holds nothing to recover.',
  'token: new wallet recovered': "The new wallet was itself recovered to another wallet: recover to the investor's current wallet.",
  'token: wallet not registered': 'This wallet is not in the identity register.',
  'token: record date too far': 'A record date can be at most 400 days ahead.',
  'token: not the latest pending date':
    'Only the latest record date, before it is reached, can be cancelled: cancel the later dividend or vote first.',
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
  'factory: halted by the operator': 'The platform operator halted this security: only the operator can resume trading.',
  'factory: issuer revoked': "The issuer's role on this security was revoked: no offering can be opened for it.",
  'factory: not issuer or operator': "Only the security's issuer or the platform operator can do this.",
  'factory: not halted': 'This security is not halted.',
  'factory: already delisted': 'This security is already delisted.',
  'factory: empty name or symbol': 'A security needs a name and a symbol.',
  'factory: invalid symbol': 'A symbol is 1 to 16 letters or digits.',
  'factory: symbol already listed': 'A security with this symbol is already listed.',
  // Primary offering and market.
  'offering: not started': 'The offering has not opened yet.',
  'offering: ended': 'The offering has ended: subscriptions are closed.',
  'offering: below minimum': 'The subscription is below the minimum per investor.',
  'offering: above maximum': 'The subscription is above the maximum per investor.',
  'offering: subscriptions full': 'The offering is fully subscribed.',
  'offering: not whole lots': 'Subscriptions are in whole lots.',
  'offering: not ended': 'The offering can be closed early only by its issuer once the hard cap is reached.',
  'offering: hard cap not reached': 'The offering can close before its end only when the hard cap is reached.',
  'offering: not closed': 'The offering is not closed yet.',
  'offering: withdrawals closed': 'Withdrawals close 24 hours before the offering ends: your subscription stands.',
  'offering: implementation': 'This is the offering template, not an offering.',
  'offering: already settled': 'This subscription has already been settled.',
  'offering: no subscription': 'There is no subscription to settle.',
  'factory: offering in progress': 'This security already has an offering in progress.',
  'market: not trading': 'This security is not trading: its market is halted or delisted.',
  'market: post-only order would trade': 'A post-only order at this price would trade at once.',
  'market: fill-or-kill not filled': 'The book cannot fill the whole fill-or-kill order at this price.',
  'market: not your order': 'This order belongs to another wallet.',
  'market: no such order': 'The order is no longer on the book.',
  'market: bad expiry': 'The expiry must be in the future.',
  'market: tick out of range': 'The price is outside the range the book accepts.',
  'market: cash transfer failed': 'The cash payment failed: check your cash balance and approval.',
  'market: cash token takes a fee':
    'The cash token kept part of a payment as a fee: the order book trades only in cash that arrives in full.',
  'market: not an operator or agent': "Only the platform operator or the security's transfer agent can force-cancel orders.",
  'market: nothing to withdraw': 'The order book holds no cash credited to this wallet.',
  'dividends: caller is not the issuer': 'Only the issuer of the security can do this.',
  'dividends: caller is not the admin': 'Only the platform operator can do this.',
  'dividends: token not listed': 'Dividends are paid only on securities the platform listed.',
  'dividends: cash token not listed': 'This cash token is not listed for dividends: the platform operator lists it first.',
  'dividends: dividend cancelled': 'This dividend was cancelled.',
  'dividends: record date reached': 'The record date has passed: the dividend can no longer be cancelled.',
  'dividends: payout above the dividend': 'This payment would exceed the cash paid in for this dividend.',
  'dividends: nothing due': 'Nothing is due to this wallet for this dividend.',
  'dividends: already paid': 'This dividend has already been paid to this wallet.',
  'dividends: payment date not reached': 'The payment date of this dividend has not come yet.',
  'dividends: expired': 'The claim period of this dividend is over.',
  'dividends: holder frozen': 'This wallet is frozen: its dividend is held back.',
  'dividends: wallet recovered': 'This wallet was recovered to another wallet: its dividends are claimed from there.',
  'dividends: not the recovered wallet': 'Only the wallet the shares were recovered to can claim this dividend.',
  'votes: caller is not the issuer': 'Only the issuer of the security can open or cancel a vote.',
  'votes: caller is not the admin': 'Only the platform operator can do this.',
  'votes: token not listed': 'Votes are held only on securities the platform listed.',
  'votes: vote cancelled': 'This vote was cancelled.',
  'votes: record date reached': 'The record date has passed: the vote can no longer be cancelled.',
  'votes: wallet not recovered': 'Vote with your own shares directly; this is for the shares of a wallet recovered to yours.',
  'votes: not the recovered wallet': 'Only the wallet the shares were recovered to can vote with them.',
  'votes: record date not reached': 'Voting opens at the record date.',
  'votes: closed': 'The vote has closed.',
  'votes: no shares at record date': 'This wallet held no shares at the record date.',
  'votes: same choice': 'You already voted for this choice.',
  'registry: wallet already registered': 'This wallet is already registered.',
  'registry: wallet not registered': 'This wallet is not registered.',
  'registry: kyc already expired': 'The KYC expiry must be in the future.',
  'registry: bad country': 'The country code must be an ISO 3166-1 number (1 to 999).',
};

const CONTRACT_NAMES: Readonly<Record<string, string>> = {
  token: 'security token',
  factory: 'issuance factory',
  registry: 'identity registry',
  offering: 'offering',
  market: 'order book',
  cash: 'cash token',
  dividends: 'dividend contract',
  votes: 'vote contract',
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
