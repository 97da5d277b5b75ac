import Link from "next/link";

import { formatCount, formatDate } from "@/lib/format";
import type { MonitoringRow } from "@/lib/monitoring/schemas";

import { groupActiveByIncident, plural } from "@/components/incidents/incident-view";
import { EmptyState, Panel } from "@/components/ui/panel";
import { incidentHref } from "@/lib/links";
import { KeyLinks } from "@/components/breakers/key-links";
import { ProcessorLabel } from "@/components/ui/processor-label";
import { PlainTable } from "@/components/ui/plain-table";

type ActiveRow = MonitoringRow<"active-breakers">;

/** Keys listed per group; the incident's page (or the plain list) has them all. */
const SHOWN = 25;

function KeyList({ rows, caption }: { rows: ActiveRow[]; caption: string }) {
  return (
    <PlainTable className="data" caption={caption} columns={["Processor", "Entity", "Analysis date", "Skip reason"]}>
      {rows.slice(0, SHOWN).map((r) => (
        <tr key={`${r.processor}|${r.entity_id}|${r.analysis_date}`}>
          <td>
            <ProcessorLabel name={r.processor} short />
          </td>
          <th scope="row">
            <KeyLinks {...r} />
          </th>
          <td className="nowrap">{formatDate(r.analysis_date)}</td>
          <td>{r.skip_reason ?? "—"}</td>
        </tr>
      ))}
    </PlainTable>
  );
}

/**
 * The active breakers grouped by incident: one section per incident holding active keys (worst
 * first), then the keys no incident explains. One outage reads as one group, however many keys
 * it tripped.
 */
export function IncidentGroupsPanel({
  rows,
  incidents,
  pins,
}: {
  rows: ActiveRow[];
  incidents: Parameters<typeof groupActiveByIncident>[1];
  pins: { as_of?: string; now?: string };
}) {
  const { groups, unexplained } = groupActiveByIncident(rows, incidents);
  return (
    <Panel id="active" title={`Active breakers by incident (${formatCount(rows.length)})`} testId="active-by-incident">
      {rows.length === 0 ? <EmptyState>No breaker is active: nothing is being skipped.</EmptyState> : null}
      {groups.map(({ incident, rows: keys }) => (
        <section key={incident.id} aria-labelledby={`group-${incident.id}`} data-testid="incident-group">
          <h3 id={`group-${incident.id}`}>
            <Link href={incidentHref(incident.id, pins)}>{incident.cause}</Link> — {plural(keys.length, "active key")}
          </h3>
          <KeyList rows={keys} caption={`Active breakers of ${incident.cause}`} />
          {keys.length > SHOWN ? (
            <p className="muted">
              … and {formatCount(keys.length - SHOWN)} more: <Link href={incidentHref(incident.id, pins)}>the incident&apos;s page lists them all</Link>.
            </p>
          ) : null}
        </section>
      ))}
      {rows.length > 0 ? (
        <section aria-labelledby="group-unexplained" data-testid="unexplained-group">
          <h3 id="group-unexplained">No incident explains — {plural(unexplained.length, "active key")}</h3>
          {unexplained.length === 0 ? (
            <p className="muted">Every active breaker belongs to an incident above.</p>
          ) : (
            <>
              <p className="muted">Tripped for a reason no missing upstream row accounts for now (or before the incidents&apos; 30-day scope): check each key&apos;s page.</p>
              <KeyList rows={unexplained} caption="Active breakers no incident explains" />
              {unexplained.length > SHOWN ? <p className="muted">… and {formatCount(unexplained.length - SHOWN)} more (switch to the list to see them all).</p> : null}
            </>
          )}
        </section>
      ) : null}
    </Panel>
  );
}
