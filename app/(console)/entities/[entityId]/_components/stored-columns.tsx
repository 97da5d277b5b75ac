import type { ReactNode } from "react";

import type { StoredRow } from "@/lib/entities/view";

import { formatCompletenessPct } from "@/lib/format";
import { Timestamp } from "./timestamp";
import styles from "./entity.module.css";
import { OverHundredFlag } from "@/components/ui/over-hundred-flag";
import { StatusBadge } from "@/components/ui/status-badge";

/** Yes/no with a word; `null` (not recorded) is shown as such, not as "no". */
function YesNo({ value, yes = "Yes", no = "No", good = true }: { value: boolean | null; yes?: string; no?: string; good?: boolean }) {
  if (value === null) return <span className={styles.muted}>not recorded</span>;
  return <StatusBadge tone={value === good ? "ok" : "bad"} label={value ? yes : no} />;
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className={styles.fact}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The stored row's 14 standard completeness columns and its window columns, as written. */
export function StoredColumns({ row, now, primaryLabel }: { row: StoredRow; now: string; primaryLabel: string }) {
  const noneExpected = row.expected === 0;
  return (
    <dl className={styles.facts}>
      <Fact term={`Completeness (${primaryLabel})`}>
        <strong>{noneExpected ? "no games expected" : formatCompletenessPct(row.completenessPct, "not checked")}</strong>
        {noneExpected ? null : <OverHundredFlag pct={row.completenessPct} />}
      </Fact>
      <Fact term="Expected / actual / missing">
        {row.expected ?? "—"} / {row.actual ?? "—"} / {row.missing ?? "—"}
      </Fact>
      <Fact term="Production ready">
        <YesNo value={row.productionReady} yes="Ready" no="Not ready" />
      </Fact>
      <Fact term="Decision reason">
        <span className={styles.mono}>{row.reason ?? "—"}</span>
      </Fact>
      <Fact term="Bootstrap mode">
        {row.bootstrap === null ? (
          <span className={styles.muted}>not recorded</span>
        ) : row.bootstrap ? (
          <StatusBadge tone="muted" label="Yes: processed and flagged" />
        ) : (
          "No"
        )}
      </Fact>
      <Fact term="Data quality issues">
        {row.dataQualityIssues.length === 0 ? (
          "none"
        ) : (
          <ul className={`${styles.issues} ${styles.mono}`}>
            {row.dataQualityIssues.map((issue) => (
              <li key={issue}>{issue}</li>
            ))}
          </ul>
        )}
      </Fact>
      <Fact term="Breaker active (at write)">
        <YesNo value={row.breakerActive} yes="Active" no="Not active" good={false} />
        {row.breakerUntil ? (
          <>
            {" "}
            until <Timestamp iso={row.breakerUntil} now={now} />
          </>
        ) : null}
      </Fact>
      <Fact term="Manual override required">
        <YesNo value={row.manualOverrideRequired} yes="Required" no="Not required" good={false} />
      </Fact>
      <Fact term="Reprocess attempts">
        {row.reprocessAttemptCount ?? "—"}
        {row.lastReprocessAttemptAt ? (
          <>
            , last <Timestamp iso={row.lastReprocessAttemptAt} now={now} />
          </>
        ) : null}
      </Fact>
      <Fact term="Season boundary">{row.seasonBoundary === null ? "not recorded" : row.seasonBoundary ? "Yes (informational)" : "No"}</Fact>
      {row.windows.length > 0 ? (
        <>
          <Fact term="Stored windows">
            <ul className={styles.issues}>
              {row.windows.map((w) => (
                <li key={w.id}>
                  {w.label}: {formatCompletenessPct(w.completenessPct)}
                  <OverHundredFlag pct={w.completenessPct} />,{" "}
                  {w.isComplete === null ? "not recorded" : w.isComplete ? "complete" : "not complete"}
                </li>
              ))}
            </ul>
          </Fact>
          <Fact term="All windows complete">
            <YesNo value={row.allWindowsComplete} yes="All complete" no="Not all complete" />
          </Fact>
        </>
      ) : null}
      <Fact term="Written">
        <Timestamp iso={row.processedAt} now={now} />
      </Fact>
    </dl>
  );
}
