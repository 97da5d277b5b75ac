import { getWarehouseHealth } from "@/lib/data/health";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const health = await getWarehouseHealth();
  return (
    <>
      <h1>Overview</h1>
      <p className="lede">
        The daily health check: one row per processor with readiness, average completeness, active breakers and a
        7-day trend, the alert banner, and links from every number to its rows. The per-processor panels arrive with
        the monitoring queries.
      </p>
      <section className="panel" aria-labelledby="warehouse-heading">
        <h2 id="warehouse-heading">Warehouse</h2>
        <dl className="facts">
          <dt>Backend</dt>
          <dd>{health.warehouse === "embedded" ? "Embedded DuckDB" : "BigQuery"}</dd>
          <dt>Status</dt>
          <dd data-testid="warehouse-status">
            {health.status === "ok" ? (
              <span className="badge ok">✓ Reachable ({health.roundTripMs} ms)</span>
            ) : (
              <span className="badge bad">✕ Unavailable: {health.reason}</span>
            )}
          </dd>
        </dl>
      </section>
    </>
  );
}
