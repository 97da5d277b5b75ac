import type { Metadata } from "next";
import Link from "next/link";

import { CAN } from "@/lib/auth/roles";
import { getSessionActor } from "@/lib/auth/session";
import { incidentIdField } from "@/lib/breakers/schemas";
import type { IncidentDetail } from "@/lib/completeness/incidents";
import { readIncident } from "@/lib/data/incidents";
import { formatCount, formatDate } from "@/lib/format";
import { type RawSearchParams, incidentSearchSchema, parseSearchParams } from "@/lib/url-state";

import styles from "./_components/incidents.module.css";
import { KIND_LABEL, blastRadius, keysPage, keysStateFrom, notRecovered, plural, recoveryLine, recoveryStyle, tripsSeries } from "@/components/incidents/incident-view";
import { EmptyState, Panel } from "@/components/ui/panel";
import { hrefFor } from "@/lib/href";
import { entityHref, incidentCsvHref, incidentHref } from "@/lib/links";
import { StatusBadge } from "@/components/ui/status-badge";
import { TabLinks } from "@/components/ui/tab-links";
import { UtcTime } from "@/components/ui/time";

import { KeysTable } from "./_components/keys-table";
import { RecoveredAction } from "./_components/recovered-action";
import { TripsChart } from "./_components/trips-chart";

// The recovery figures come from the live recheck: every request reads the warehouse now.
export const dynamic = "force-dynamic";

interface Props {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawSearchParams>;
}

/** Route params arrive percent-encoded or not depending on the character; decode once, safely. */
function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Incident ${decodeSegment((await params).id)}` };
}

/** Shown in the not-yet-recovered list before "see them all in the table". */
const NOT_RECOVERED_SHOWN = 20;

function Unknown({ id, reason }: { id: string; reason: string }) {
  return (
    <>
      <header className="page-head">
        <div className="page-title">
          <p className="small">
            <Link href="/">← Overview</Link>
          </p>
          <h1>Incident not found</h1>
        </div>
      </header>
      <Panel id="incident-unknown" title={`No incident “${id}”`} testId="incident-unknown">
        <EmptyState>
          {reason} An incident&apos;s id follows its cause: when the missing rows change (a backfill, new failures), the incident is read again under the
          cause it has now. The overview lists the open ones.
        </EmptyState>
      </Panel>
    </>
  );
}

/** "24 dates, Nov 7 – Dec 6" (every date when there are a few). */
function dateSpan(dates: readonly string[]): string {
  if (dates.length <= 4) return dates.map((d) => formatDate(d)).join(", ");
  return `${plural(dates.length, "date")}, ${formatDate(dates[0])} – ${formatDate(dates[dates.length - 1])}`;
}

function MissingUpstream({ incident }: { incident: IncidentDetail }) {
  if (!incident.upstream_table) return <p className="muted">Nothing was missing upstream when these keys failed.</p>;
  return (
    <dl className={styles.facts} data-testid="incident-missing">
      <dt>Missing from</dt>
      <dd>
        <code>{incident.upstream_table}</code>
      </dd>
      <dt>Game dates</dt>
      <dd>{incident.missing_dates.length ? incident.missing_dates.map((d) => formatDate(d)).join(", ") : "—"}</dd>
      <dt>Teams</dt>
      <dd>{incident.teams.length ? incident.teams.join(", ") : "—"}</dd>
    </dl>
  );
}

export default async function IncidentPage({ params, searchParams }: Props) {
  const [{ id: raw }, search, actor] = await Promise.all([params, searchParams.then((s) => parseSearchParams(incidentSearchSchema, s)), getSessionActor()]);
  const id = decodeSegment(raw);
  const parsed = incidentIdField.safeParse(id);
  if (!parsed.success) return <Unknown id={id} reason="This is not an incident id." />;
  const pins = { as_of: search.as_of, now: search.now };
  const incident = await readIncident(parsed.data, { asOf: search.as_of, now: search.now });
  if (!incident) return <Unknown id={id} reason="No failing or tripped key has this cause at this moment." />;

  const state = keysStateFrom(search);
  const page = keysPage(incident.keys_list, state);
  const waiting = notRecovered(incident.keys_list);
  // The keys the one safe action would override: tripped now, data complete again.
  const recoverable = incident.keys_list.filter((k) => k.recovered === true && k.state === "active").length;
  const canOverride = actor !== null && CAN.override(actor.role);
  const trips = tripsSeries(incident.trips_by_day);
  const now = new Date().toISOString();

  return (
    <>
      <header className="page-head">
        <div className="page-title">
          <p className="small">
            <Link href={hrefFor("/", pins)}>← Overview</Link>
          </p>
          <h1>{incident.cause}</h1>
          <p className="lede">
            <StatusBadge status={incident.status === "open" ? { word: "Open", glyph: "●", tone: "bad" } : { word: "Closed", glyph: "✓", tone: "ok" }} testId="incident-status" />{" "}
            {KIND_LABEL[incident.kind]} · began <UtcTime value={incident.opened_at} serverNow={now} /> · {formatCount(incident.open_keys)} of {plural(incident.keys, "key")} still
            failing or tripped
          </p>
        </div>
      </header>

      <Panel id="blast" title="Blast radius" testId="incident-blast-radius">
        <p>
          <strong>{blastRadius(incident)}</strong>
        </p>
        <dl className={styles.facts}>
          <dt>Processors</dt>
          <dd>{incident.processors.join(", ")}</dd>
          <dt>Entities</dt>
          <dd>{formatCount(incident.entities)}</dd>
          <dt>Analysis dates</dt>
          <dd>{dateSpan(incident.dates)}</dd>
        </dl>
        <MissingUpstream incident={incident} />
      </Panel>

      <Panel id="recovery" title="Recovery" testId="incident-recovery">
        <p>
          <StatusBadge status={recoveryStyle(incident)} /> <strong data-testid="incident-recovery-line">{recoveryLine(incident)}</strong> (live recheck)
        </p>
        <meter className={styles.meter} min={0} max={Math.max(1, incident.keys)} value={incident.recovered_keys} aria-label="Keys whose data has recovered" />
        {canOverride ? (
          <RecoveredAction incidentId={incident.id} recoverable={recoverable} cause={incident.cause} />
        ) : (
          <p className="notice" data-testid="override-not-allowed">
            Overriding the {plural(recoverable, "recovered key")} needs the operator role{actor ? ` (you are signed in as a ${actor.role})` : ""}. An operator can override them
            from this page in one step.
          </p>
        )}
        <h3>Not yet recovered ({formatCount(waiting.length)})</h3>
        {waiting.length === 0 ? (
          <p className="muted">Every key that was checked has its data back.</p>
        ) : (
          <>
            <ul data-testid="not-recovered">
              {waiting.slice(0, NOT_RECOVERED_SHOWN).map((k) => (
                <li key={`${k.processor}|${k.entity_id}|${k.analysis_date}`}>
                  {k.processor} · <Link href={entityHref(k.entity_id, k.analysis_date)}>{k.entity_id}</Link> · {formatDate(k.analysis_date)}: still missing{" "}
                  {k.still_missing ?? "(not said)"}
                </li>
              ))}
            </ul>
            {waiting.length > NOT_RECOVERED_SHOWN ? (
              <p>
                <Link href={incidentHref(incident.id, { ...pins, recovered: "no" })}>All {formatCount(waiting.length)} not yet recovered, in the table below</Link>
              </p>
            ) : null}
          </>
        )}
      </Panel>

      <Panel id="trips" title="Trips over time" testId="incident-trips">
        {trips.length === 0 ? <EmptyState>No key of this incident has tripped: its keys are failing, not yet skipped.</EmptyState> : <TripsChart data={trips} />}
      </Panel>

      <Panel
        id="keys"
        title={`Keys (${formatCount(incident.keys)})`}
        testId="incident-keys-panel"
        actions={
          <a className="button" href={incidentCsvHref(incident.id, pins)} download data-testid="incident-csv">
            <span aria-hidden="true">⤓ </span>CSV of all {plural(incident.keys, "key")}
          </a>
        }
      >
        <TabLinks
          label="Which keys"
          items={[
            { href: incidentHref(incident.id, { ...pins, sort: search.sort, dir: search.dir }), label: "All", current: !state.recovered, testId: "keys-all" },
            { href: incidentHref(incident.id, { ...pins, sort: search.sort, dir: search.dir, recovered: "yes" }), label: "Recovered", current: state.recovered === "yes", testId: "keys-recovered" },
            { href: incidentHref(incident.id, { ...pins, sort: search.sort, dir: search.dir, recovered: "no" }), label: "Not yet recovered", current: state.recovered === "no", testId: "keys-waiting" },
          ]}
        />
        <KeysTable rows={page.rows} state={{ ...state, page: page.page }} total={page.total} />
      </Panel>
    </>
  );
}
