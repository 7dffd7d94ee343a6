import type { Level, TradePoint } from '../lib/market';
import { chartPoints } from '../lib/market';

const WIDTH = 600;
const HEIGHT = 200;

/** Last-traded price over time, as a step line (prices hold until the next trade). */
export function PriceChart({ trades, format }: { trades: readonly TradePoint[]; format: (tick: bigint) => string }) {
  const chart = chartPoints(trades, WIDTH, HEIGHT, 14);
  if (!chart) return <p className="chart chart--empty muted">No trade yet: the chart starts with the first trade.</p>;
  // The last price holds until now: the line runs on to the right edge.
  const right = WIDTH - 14;
  const line = `${chart.points.map(([x, y], index) => (index === 0 ? `M${x},${y}` : `H${x}V${y}`)).join('')}H${right}`;
  const area = `${line}V${HEIGHT}H${chart.points[0]![0]}Z`;
  return (
    <figure className="chart" data-testid="price-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Price from ${format(chart.min)} to ${format(chart.max)} over ${trades.length} trades`} preserveAspectRatio="none">
        <path d={area} className="chart__area" />
        <path d={line} className="chart__line" vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="chart__axis small muted">
        <span>low {format(chart.min)}</span>
        <span>{trades.length} trades</span>
        <span>high {format(chart.max)}</span>
      </figcaption>
    </figure>
  );
}

/** Cumulative lots on each side by price: bids to the left of the spread, asks to the right. */
export function DepthChart({ bids, asks, format }: { bids: readonly Level[]; asks: readonly Level[]; format: (tick: bigint) => string }) {
  if (bids.length === 0 && asks.length === 0) return <p className="chart chart--empty muted">The book is empty.</p>;
  const ticks = [...bids, ...asks].map((level) => level.tick);
  let low = ticks[0]!;
  let high = low;
  for (const tick of ticks) {
    if (tick < low) low = tick;
    if (tick > high) high = tick;
  }
  const total = (levels: readonly Level[]) => levels.reduce((sum, level) => sum + level.lots, 0n);
  const deepest = Number(total(bids) > total(asks) ? total(bids) : total(asks)) || 1;
  const span = Number(high - low) || 1;
  const x = (tick: bigint) => (high === low ? WIDTH / 2 : 10 + ((WIDTH - 20) * Number(tick - low)) / span);
  const y = (lots: bigint) => HEIGHT - 6 - ((HEIGHT - 20) * Number(lots)) / deepest;
  const side = (levels: readonly Level[], direction: 1 | -1) => {
    let cumulative = 0n;
    let path = '';
    for (const level of levels) {
      const previous = cumulative;
      cumulative += level.lots;
      path += path === '' ? `M${x(level.tick)},${HEIGHT}V${y(cumulative)}` : `V${y(previous)}H${x(level.tick)}V${y(cumulative)}`;
    }
    if (path === '') return '';
    const edge = direction === 1 ? WIDTH : 0;
    return `${path}H${edge}V${HEIGHT}Z`;
  };
  return (
    <figure className="chart" data-testid="depth-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Order book depth" preserveAspectRatio="none">
        <path d={side(bids, -1)} className="chart__bids" />
        <path d={side(asks, 1)} className="chart__asks" />
      </svg>
      <figcaption className="chart__axis small muted">
        <span>{format(low)}</span>
        <span>depth</span>
        <span>{format(high)}</span>
      </figcaption>
    </figure>
  );
}
