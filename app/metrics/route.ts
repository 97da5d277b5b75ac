import { ALERT_LEVELS, type AlertCode } from "@/lib/completeness/alerts";
import type { Actor } from "@/lib/auth/session";
import { readIncidents } from "@/lib/data/incidents";
import { getAlerts, getMonitoring, parseMonitoringParams } from "@/lib/data/monitoring";
import { getTripRates } from "@/lib/data/trip-rate";
import { getEnv } from "@/lib/env";
import {
  CONTENT_TYPE,
  GAUGES,
  MAX_INCIDENT_SERIES,
  type Sample,
  authorizeScrape,
  renderCountersAndHistograms,
  renderFamily,
  withHttpMetrics,
} from "@/lib/metrics/registry";
import { WarehouseError } from "@/lib/warehouse";

/**
 * `GET /metrics`: Prometheus text format 0.0.4 for Grafana and Alertmanager.
 *
 * - Who may scrape (the proxy lets /metrics through; the route authorizes itself, see
 *   authorizeScrape in lib/metrics/registry.ts): `Authorization: Bearer <METRICS_TOKEN>` when
 *   the token is configured (401 otherwise); without one, loopback requests to the embedded
 *   console only (403 otherwise, and always with BigQuery).
 * - The gauges come from the same data layer and cache as the console and the monitoring API —
 *   the health read and the console's alerts at the latest data-as-of date and the rounded
 *   current time — read as an internal viewer, so a scrape every 15 s costs the warehouse at
 *   most one query per cache TTL. `?as_of=` and `?now=` pin the moment, as in the API.
 * - A processor figure that is NULL (no rows, or no completeness figure) has no sample.
 * - Incidents: how many are open, and per open incident (worst first, at most
 *   MAX_INCIDENT_SERIES) its keys and the share of them whose data has recovered, labelled by
 *   incident id and cause kind — the alert rules page once per incident on these series.
 * - When the warehouse fails with no earlier result, the scrape still answers 200 with
 *   `completeness_console_data_up 0` and the console's own counters, so Prometheus keeps
 *   seeing the process; the alert rules treat the missing gauges as "no data".
 */
export const dynamic = "force-dynamic";

const METRICS_ACTOR: Actor = { name: "metrics", role: "viewer", via: "token" };

function text(body: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": CONTENT_TYPE, "Cache-Control": "no-store", ...headers } });
}

async function dataGauges(params: { as_of?: string; now?: string }): Promise<string> {
  try {
    const health = await getMonitoring("health", params, METRICS_ACTOR);
    const alerts = await getAlerts(params, METRICS_ACTOR);
    const perProcessor = (pick: (row: (typeof health.rows)[number]) => number | null): Sample[] =>
      health.rows.flatMap((row) => {
        const value = pick(row);
        return value === null ? [] : [{ labels: { processor: row.processor }, value }];
      });
    const raised = new Set(alerts.alerts.map((a) => a.code));
    return [
      renderFamily(GAUGES.dataUp, [{ value: 1 }]),
      renderFamily(GAUGES.dataStale, [{ value: health.stale ? 1 : 0 }]),
      renderFamily(GAUGES.dataAsOf, [{ value: Date.parse(`${health.as_of}T00:00:00.000Z`) / 1000 }]),
      renderFamily(GAUGES.productionReadyPct, perProcessor((r) => r.production_ready_pct)),
      renderFamily(GAUGES.avgCompletenessPct, perProcessor((r) => r.avg_completeness_pct)),
      renderFamily(GAUGES.records, perProcessor((r) => r.total_records)),
      renderFamily(GAUGES.activeBreakers, perProcessor((r) => r.active_breakers)),
      renderFamily(GAUGES.bootstrapRecords, perProcessor((r) => r.bootstrap_records)),
      renderFamily(
        GAUGES.alertActive,
        (Object.keys(ALERT_LEVELS) as AlertCode[]).map((alert) => ({ labels: { alert, level: ALERT_LEVELS[alert] }, value: raised.has(alert) ? 1 : 0 })),
      ),
      await incidentGauges(params),
      await tripRateGauges(params),
    ].join("");
  } catch (error) {
    console.error("[metrics] the monitoring data could not be read", error instanceof WarehouseError ? error.detail : error);
    return renderFamily(GAUGES.dataUp, [{ value: 0 }]);
  }
}

/**
 * The incident families. Read after the health read, as the same internal viewer; when only
 * this read fails the families are declared without samples (the alert rules see no data rather
 * than "no incident"), and the other gauges stand.
 */
async function incidentGauges(params: { as_of?: string; now?: string }): Promise<string> {
  let open: Sample[] = [];
  let keys: Sample[] = [];
  let recovered: Sample[] = [];
  try {
    const read = await readIncidents({ asOf: params.as_of, now: params.now }, METRICS_ACTOR);
    // The read lists open incidents first, worst first: the series kept are the worst ones.
    const incidents = read.incidents.filter((i) => i.status === "open");
    const shown = incidents.slice(0, MAX_INCIDENT_SERIES);
    open = [{ value: incidents.length }];
    keys = shown.map((i) => ({ labels: { incident: i.id, cause_kind: i.kind }, value: i.keys }));
    recovered = shown.map((i) => ({ labels: { incident: i.id, cause_kind: i.kind }, value: i.keys === 0 ? 0 : i.recovered_keys / i.keys }));
  } catch (error) {
    console.error("[metrics] the incidents could not be read", error instanceof WarehouseError ? error.detail : error);
  }
  return renderFamily(GAUGES.incidentsOpen, open) + renderFamily(GAUGES.incidentKeys, keys) + renderFamily(GAUGES.incidentRecoveredRatio, recovered);
}

/**
 * The trip rate per processor, as a ratio (a processor that evaluated nothing has no sample).
 * Like the incidents, a failure of this read alone declares the family without samples.
 */
async function tripRateGauges(params: { as_of?: string; now?: string }): Promise<string> {
  let samples: Sample[] = [];
  try {
    const read = await getTripRates(params, METRICS_ACTOR);
    samples = read.rows.flatMap((r) => (r.trip_rate_pct === null ? [] : [{ labels: { processor: r.processor }, value: r.keys_tripped / r.keys_attempted }]));
  } catch (error) {
    console.error("[metrics] the trip rate could not be read", error instanceof WarehouseError ? error.detail : error);
  }
  return renderFamily(GAUGES.tripRate, samples);
}

async function scrape(request: Request): Promise<Response> {
  const access = authorizeScrape(request, getEnv());
  if (!access.ok) {
    return text(`${access.error}\n`, access.status, access.status === 401 ? { "WWW-Authenticate": 'Bearer realm="metrics"' } : {});
  }
  const search = new URL(request.url).searchParams;
  const parsed = parseMonitoringParams({ as_of: search.get("as_of"), now: search.get("now") });
  if (!parsed.ok) return text(`${parsed.error}\n`, 400);
  return text((await dataGauges(parsed.params)) + renderCountersAndHistograms(), 200);
}

export const GET = withHttpMetrics("/metrics", scrape);
