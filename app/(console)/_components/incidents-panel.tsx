import Link from "next/link";

import type { Incident } from "@/lib/completeness/incidents";
import { formatCount } from "@/lib/format";

import { StatusBadge } from "@/components/ui/status-badge";
import { EmptyState, Panel } from "@/components/ui/panel";
import { breakersHref, incidentHref } from "@/lib/links";
import { UtcTime } from "@/components/ui/time";
import { PlainTable } from "@/components/ui/plain-table";

import { KIND_LABEL, blastRadius, plural, recoveryLine, recoveryStyle } from "@/components/incidents/incident-view";

type Pins = { as_of?: string; now?: string };

/**
 * The overview's lead: the open incidents, worst first (as the read orders them) — cause, blast
 * radius, recovery, when it began, a link to each — then how many active breakers no incident
 * explains. A server component: the list is read once per render, and its Suspense boundary
 * keeps a slow first grouping from holding the other panels.
 */
export function IncidentsPanel({ incidents, unexplained, now, pins }: { incidents: readonly Incident[]; unexplained: number; now: string; pins: Pins }) {
  const open = incidents.filter((i) => i.status === "open");
  return (
    <Panel id="incidents" title={`Open incidents (${formatCount(open.length)})`} testId="incidents-panel">
      {open.length === 0 ? (
        <EmptyState>
          No open incident: no breaker key is failing or tripped because upstream rows are missing.
          {incidents.length > 0 ? ` ${plural(incidents.length, "incident")} closed recently (every key overridden, processed, reset or expired).` : ""}
        </EmptyState>
      ) : (
        <PlainTable className="data" testId="incidents-table" caption="Open incidents, worst first" columns={["Cause", "Blast radius", "Recovered", "Opened"]}>
            {open.map((i) => (
              <tr key={i.id} data-testid="incident-row" data-recovered={i.recovered_keys}>
                <th scope="row">
                  <Link href={incidentHref(i.id, pins)} data-testid="incident-link">
                    {i.cause}
                  </Link>
                  <span className="cell-sub">{KIND_LABEL[i.kind]}</span>
                </th>
                <td>
                  {blastRadius(i)}
                  <span className="cell-sub">{i.processors.join(", ")}</span>
                </td>
                <td>
                  <span title={recoveryLine(i)}>
                    <StatusBadge status={recoveryStyle(i)} label={`${formatCount(i.recovered_keys)} of ${formatCount(i.keys)}`} />
                  </span>
                </td>
                <td className="nowrap">
                  <UtcTime value={i.opened_at} serverNow={now} stacked />
                </td>
              </tr>
            ))}
        </PlainTable>
      )}
      <p data-testid="unexplained-breakers">
        <strong>Breakers no incident explains: {formatCount(unexplained)}</strong>
        {unexplained > 0 ? (
          <>
            {" "}
            — active keys whose failure no missing upstream row accounts for.{" "}
            <Link href={breakersHref({ group: "incident", ...pins })}>See them on the breakers page</Link>
          </>
        ) : (
          " — every active breaker belongs to an incident above."
        )}
      </p>
    </Panel>
  );
}
