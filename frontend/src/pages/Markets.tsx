import { Link } from 'react-router';
import { Badge, Card, Progress, units } from '../components/ui';
import { DeploymentCard } from '../components/DeploymentCard';
import { deployment } from '../config/deployment';
import { type CashInfo, type Security } from '../data/platform';
import { useApi } from '../hooks/useApi';
import { useCash, useChainNow, useSecurities } from '../hooks/useLive';
import type { ApiMarketSummary } from '../lib/api';
import { formatDate, formatDuration, formatTokenAmount } from '../lib/format';
import { changeBps, formatChange, listingStatus, offeringLive, offeringStateLabel } from '../lib/market';
import { summaryOf, tradeStatsOf } from '../lib/marketFigures';

/** `settled`: the figures include the chain's latest block (the index has caught up). */
function MarketRow({ security, summary, settled, cash }: { security: Security; summary: ApiMarketSummary | undefined; settled: boolean; cash: CashInfo | null | undefined }) {
  const unit = units(security, cash);
  const stats = tradeStatsOf(summary);
  const change = changeBps(stats.last, stats.reference);
  const status = listingStatus(security.status);
  return (
    <tr data-testid={`market-row-${security.symbol}`} aria-busy={!settled}>
      <td>
        <Link to={`/security/${security.symbol}`} className="symbol">{security.symbol}</Link>
        <div className="muted small">{security.name}</div>
      </td>
      <td className={`num${settled ? '' : ' muted'}`} data-testid="last-price">{stats.last === null ? '–' : unit.price(stats.last)}</td>
      <td className={`num ${change === null ? '' : change > 0n ? 'up' : change < 0n ? 'down' : ''}`}>{formatChange(change)}</td>
      <td className="num hide-phone">{formatTokenAmount(stats.volumeLots * security.lotSize, security.decimals)}<div className="muted small">{unit.cash(stats.volumeCash)}</div></td>
      <td className="num hide-phone">{unit.price(security.bestBid)} / {unit.price(security.bestAsk)}</td>
      <td className="num hide-phone">{security.holders.toString()}</td>
      <td><Badge tone={status.tone}>{status.label}</Badge></td>
    </tr>
  );
}

function OfferingCard({ security, cash, now }: { security: Security; cash: CashInfo | null | undefined; now: bigint }) {
  const offering = security.offering!;
  const unit = units(security, cash);
  const opensIn = offering.startTime > now ? offering.startTime - now : 0n;
  const closesIn = offering.endTime > now ? offering.endTime - now : 0n;
  return (
    <Link to={`/security/${security.symbol}`} className="offering-tile" data-testid={`offering-${security.symbol}`}>
      <div className="offering-tile__head">
        <strong>{security.symbol}</strong>
        <Badge tone={offering.state === 1 ? 'ok' : 'warn'}>{offeringStateLabel(offering.state)}</Badge>
      </div>
      <div className="muted small">{security.name}</div>
      <Progress value={Number(offering.progressBps) / 100} label={`${security.symbol} offering progress`} />
      <div className="offering-tile__facts small">
        <span>{unit.shares(offering.totalSubscribed)} of {unit.shares(offering.hardCap)}</span>
        <span>{unit.cash(offering.price)} per lot of {formatTokenAmount(offering.lot, security.decimals)}</span>
        <span className="muted">
          {opensIn > 0n ? `opens in ${formatDuration(opensIn)}` : closesIn > 0n ? `closes in ${formatDuration(closesIn)}` : `ended ${formatDate(offering.endTime)}`}
        </span>
      </div>
    </Link>
  );
}

export function Markets() {
  const securities = useSecurities();
  const cash = useCash();
  const chainNow = useChainNow();
  const now = chainNow ?? 0n;
  // The 24-hour figures as of the chain's latest block time, once the chain has told it.
  const figures = useApi<ApiMarketSummary[]>(chainNow === undefined ? undefined : '/markets', { at: chainNow });
  const settled = figures.value !== undefined && !figures.behind && !figures.isPlaceholderData;
  const list = securities.data ?? [];
  const offerings = list.filter((security) => security.offering && offeringLive(security.offering.state));

  return (
    <section className="page">
      <header className="page__header">
        <h1>Markets</h1>
        <p className="muted">Securities listed on Keiretsu: last price, 24-hour change and volume, and offerings open for subscription.</p>
      </header>
      {!deployment.contracts.IssuanceFactory ? (
        <DeploymentCard />
      ) : (
        <>
          {offerings.length > 0 && (
            <Card title="Offerings" testId="offerings">
              <div className="offering-grid">
                {offerings.map((security) => (
                  <OfferingCard key={security.token} security={security} cash={cash.data} now={now} />
                ))}
              </div>
            </Card>
          )}
          <Card title="Listed securities" testId="listings">
            {securities.isLoading ? (
              <p className="muted">Loading the listings…</p>
            ) : securities.error ? (
              <p className="notice notice--error">The listings could not be read: {securities.error.message}</p>
            ) : list.length === 0 ? (
              <p className="muted">No security is listed yet. Issuers list theirs from the Issuer desk.</p>
            ) : (
              <div className="table-wrap">
                {figures.error && <p className="notice notice--error">{figures.error.message}</p>}
                <table className="table">
                  <thead>
                    <tr>
                      <th>Security</th>
                      <th className="num">Last (per lot)</th>
                      <th className="num">24 h</th>
                      <th className="num hide-phone">Volume 24 h</th>
                      <th className="num hide-phone">Bid / ask</th>
                      <th className="num hide-phone">Holders</th>
                      <th>Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((security) => (
                      <MarketRow key={security.token} security={security} summary={summaryOf(figures.value, security.symbol)} settled={settled} cash={cash.data} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        </>
      )}
    </section>
  );
}
