import { loadDividends, loadVotes, type CashInfo, type DividendView, type Security, type VoteView } from '../data/platform';
import { useChainNow, useLive } from '../hooks/useLive';
import { upcomingActions } from '../lib/corporateActions';
import { formatDate } from '../lib/format';
import { Card, units } from './ui';

/** The dividends and votes of `security` still ahead, as the investor reads them. */
export function securityActions(security: Security, dividends: readonly DividendView[], votes: readonly VoteView[], now: bigint) {
  const own = dividends.filter((dividend) => !dividend.recoveredFrom);
  return upcomingActions(own, votes, security.totalSupply, security.decimals, now).map((action) => ({ security, action }));
}

/** Upcoming dividends and votes, shown from the moment they are declared. */
export function UpcomingActions({ rows, cash, showSecurity }: { rows: ReturnType<typeof securityActions>; cash: CashInfo; showSecurity: boolean }) {
  return (
    <Card title="Upcoming corporate actions" testId="upcoming-actions">
      {rows.length === 0 ? (
        <p className="muted">No dividend or vote announced.</p>
      ) : (
        <table className="table table--compact">
          <thead>
            <tr>{showSecurity && <th>Security</th>}<th>What</th><th>Record date</th><th>Paid / closes</th><th className="num">Per share</th></tr>
          </thead>
          <tbody>
            {rows.map(({ security, action }) => (
              <tr key={`${security.token}-${action.kind}-${action.id}`} data-testid={`upcoming-${action.kind}`}>
                {showSecurity && <td>{security.symbol}</td>}
                <td>{action.kind === 'dividend' ? `Dividend of ${units(security, cash).cash(action.amount)}` : `Vote: ${action.question}`}</td>
                <td>{formatDate(action.recordTimestamp, { withTime: true })}</td>
                <td>{formatDate(action.kind === 'dividend' ? action.paymentDate : action.closesAt, { withTime: true })}</td>
                <td className="num">
                  {action.kind === 'vote' ? '1 vote' : action.perShare === null ? '–' : units(security, cash).cash(action.perShare)}
                  {action.kind === 'dividend' && action.estimate && <div className="muted small">estimate until the record date</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

/** The Security page's list: anyone sees what the issuer announced. */
export function SecurityCorporateActions({ security, cash }: { security: Security; cash: CashInfo }) {
  const now = useChainNow();
  const actions = useLive(
    ['corporate-actions', security.token],
    async (client) => {
      const [dividends, votes] = await Promise.all([loadDividends(client, security.token, undefined), loadVotes(client, security.token, undefined, now!)]);
      return { dividends, votes };
    },
    now !== undefined,
  );
  if (!actions.data || now === undefined) return null;
  return <UpcomingActions rows={securityActions(security, actions.data.dividends, actions.data.votes, now)} cash={cash} showSecurity={false} />;
}
