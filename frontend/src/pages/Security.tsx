import { Link, useParams } from 'react-router';

export function Security() {
  const { symbol = '' } = useParams();
  return (
    <section className="page">
      <header className="page__header">
        <p className="muted">
          <Link to="/markets">Markets</Link> / {symbol}
        </p>
        <h1>{symbol.toUpperCase()}</h1>
      </header>
      <div className="grid-2">
        <div className="card card--empty">Order book for {symbol.toUpperCase()}.</div>
        <div className="card card--empty">Documents, rules and corporate actions of {symbol.toUpperCase()}.</div>
      </div>
    </section>
  );
}
