import type { Metadata } from "next";
import { Suspense } from "react";

import { type Actor, requireRole } from "@/lib/auth/session";
import { alertThresholds, getAlerts, getMonitoring } from "@/lib/data/monitoring";
import { getViewer } from "@/lib/data/viewer";
import { getBreakerReaders } from "@/lib/data/deployment";
import { getTripRates } from "@/lib/data/trip-rate";
import { getWarehouseHealth } from "@/lib/data/health";
import { type RawSearchParams, overviewSearchSchema, parseSearchParams } from "@/lib/url-state";

import { AlertBanner } from "./_components/alert-banner";
import { BreakerReaders } from "./_components/breaker-readers";
import { DataPageHeader } from "@/components/layout/data-as-of";
import { type AlertsView, buildOverviewView, toAlertItem } from "./_components/overview-view";
import { ProcessorTable } from "./_components/processor-table";
import { INCIDENTS_HEIGHT, IncidentsLoader } from "./_components/incidents-loader";
import { metaOf } from "@/lib/monitoring/query";
import { PanelSkeleton } from "@/components/ui/panel";
import { PanelBoundary } from "@/components/ui/panel-boundary";
import { StatusBadge } from "@/components/ui/status-badge";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

type Params = { as_of?: string; now?: string };

/** Keeps the evaluation points a link pinned, and nothing else. */
function pinned(search: Params): Params {
  const out: Params = {};
  if (search.as_of) out.as_of = search.as_of;
  if (search.now) out.now = search.now;
  return out;
}

/**
 * Marks the page as one the page cache (lib/security/page-cache.ts) must not keep: a panel shows a
 * stale or failed read, which the next request may find mended. Hidden, and harmless to keep in
 * the page for viewers.
 */
function NotForCache({ when }: { when: boolean }) {
  return when ? <span hidden data-render-cache="no" /> : null;
}

/** The actor the page read once (null: none, refused here, inside the panel's boundary, as each read would). */
type Viewer = { actor: Actor | null };

async function Alerts({ params, actor: session }: { params: Params } & Viewer) {
  const actor = await requireRole("viewer", session);
  const read = await getAlerts(params, actor);
  const initial: AlertsView = {
    meta: metaOf({ ...read, rows: [] }),
    thresholds: read.thresholds,
    alerts: read.alerts.map((a) => toAlertItem(a, a.links)),
  };
  return (
    <>
      <NotForCache when={read.stale === true} />
      <AlertBanner initial={initial} params={params} />
    </>
  );
}

async function Processors({ params, actor: session }: { params: Params } & Viewer) {
  const actor = await requireRole("viewer", session);
  const [health, readiness, trends, tripRates] = await Promise.all([
    getMonitoring("health", params, actor),
    getMonitoring("readiness", params, actor),
    getMonitoring("trends", params, actor),
    // The trip rate is one column: its failure (logged by the read) leaves the rest of the panel.
    getTripRates(params, actor).catch(() => null),
  ]);
  return (
    <>
      <NotForCache when={[health, readiness, trends, tripRates].some((read) => read === null || read.stale === true)} />
      <ProcessorTable initial={buildOverviewView(health, readiness, trends)} params={params} thresholds={alertThresholds()} tripRates={tripRates?.rows ?? null} />
    </>
  );
}

/** Configuration, not warehouse data: outside the processors panel, so it shows while that panel fails. */
async function Readers() {
  return <BreakerReaders readers={await getBreakerReaders()} />;
}

async function Warehouse() {
  const health = await getWarehouseHealth();
  return (
    <p className="warehouse small" data-testid="warehouse-status">
      <NotForCache when={health.status !== "ok"} />
      Warehouse: {health.warehouse === "embedded" ? "embedded DuckDB" : "BigQuery"} ·{" "}
      {health.status === "ok" ? (
        <StatusBadge tone="ok" label={`Reachable (${health.roundTripMs} ms)`} />
      ) : (
        <StatusBadge tone="bad" label={`Unavailable: ${health.reason}`} />
      )}
    </p>
  );
}

// Measured at 1280 px wide: the seven rows, header and note.
const PROCESSORS_HEIGHT = 590;

export default async function OverviewPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const params = pinned(parseSearchParams(overviewSearchSchema, await searchParams));
  // The session is decoded once per request (the layout shares it); each panel's reads check its role again.
  const actor = await getViewer();
  return (
    <>
      <DataPageHeader
        title="Overview"
        lede="The daily health check: open incidents, alerts, then every processor worst first. Every number opens the rows behind it."
        pinned={params.as_of}
      />
      {/* Incidents first: one upstream outage is one row, however many breakers it tripped. Read
          by the browser after the page is up (IncidentsLoader), so a cold grouping holds nothing. */}
      <PanelBoundary id="incidents" title="Open incidents" minHeight={INCIDENTS_HEIGHT}>
        <IncidentsLoader pins={params} />
      </PanelBoundary>
      <PanelBoundary id="alerts" title="Alerts" minHeight={120}>
        <Suspense
          fallback={
            // The banner's height depends on how many alerts there are (none: one line; the demo's
            // two: about 200 px); the room reserved is between the two.
            <section className="alerts" aria-busy="true" aria-label="Alerts" style={{ minHeight: 120 }}>
              <p className="alert">
                <span className="visually-hidden">Loading alerts…</span>
                <span className="skeleton" style={{ width: "60%" }} aria-hidden="true" />
              </p>
            </section>
          }
        >
          <Alerts params={params} actor={actor} />
        </Suspense>
      </PanelBoundary>
      <PanelBoundary id="processors" title="Processors" minHeight={PROCESSORS_HEIGHT}>
        <Suspense fallback={<PanelSkeleton id="processors" title="Processors" minHeight={PROCESSORS_HEIGHT} lines={8} />}>
          <Processors params={params} actor={actor} />
        </Suspense>
      </PanelBoundary>
      <Suspense fallback={<p className="readers small">Breaker readers: reading…</p>}>
        <Readers />
      </Suspense>
      <Suspense fallback={<p className="warehouse small">Warehouse: checking…</p>}>
        <Warehouse />
      </Suspense>
    </>
  );
}
