import { breakerStatusBadge } from "./breaker-timeline";
import { formatCompletenessPct } from "@/lib/format";
import { StatusBadge } from "@/components/ui/status-badge";
import { verdictTone } from "./verdict-box";
import styles from "./entity.module.css";
import type { ProcessorSection } from "@/lib/entities/view";
import { OverHundredFlag } from "@/components/ui/over-hundred-flag";

export const sectionId = (processor: string) => `processor-${processor}`;

const VERDICT_LABELS = { override_safe: "Override safe", not_safe: "Override not safe", breaker_not_active: "Override not needed" } as const;

function stored(s: ProcessorSection) {
  if (!s.stored.ok) return <span className={styles.muted}>error</span>;
  const row = s.stored.value;
  if (!row) return <span className={styles.muted}>no row</span>;
  const pct = row.expected === 0 ? "no games expected" : formatCompletenessPct(row.completenessPct, "not checked");
  return (
    <>
      {pct}
      {row.expected === 0 ? null : <OverHundredFlag pct={row.completenessPct} />}{" "}
      {row.productionReady ? <StatusBadge tone="ok" label="Ready" /> : <StatusBadge tone="bad" label="Not ready" />}
    </>
  );
}

function now(s: ProcessorSection) {
  if (!s.live.ok) return <span className={styles.muted}>error</span>;
  const live = s.live.value;
  const primary = live.windows.find((w) => w.id === live.primaryWindow);
  return (
    <>
      {formatCompletenessPct(primary?.completenessPct ?? null)}{" "}
      {live.decision.productionReady ? <StatusBadge tone="ok" label="Ready" /> : <StatusBadge tone="bad" label="Not ready" />}
    </>
  );
}

/** One line per processor: stored vs now, breaker, verdict; each links to its section. */
export function SummaryTable({ sections, date }: { sections: ProcessorSection[]; date: string }) {
  return (
    <section className="panel" aria-labelledby="summary-heading">
      <h2 id="summary-heading">Summary</h2>
      <div className={styles.tableWrap}>
        <table className={`${styles.table} ${styles.summary}`}>
          <caption>
            Each processor on {date}: completeness of its primary window as stored and recomputed now, its breaker, and whether an
            override is safe
          </caption>
          <thead>
            <tr>
              <th scope="col">Processor</th>
              <th scope="col">Stored</th>
              <th scope="col">Now</th>
              <th scope="col">Breaker now</th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {sections.map((s) => (
              <tr key={s.processor}>
                <th scope="row">
                  <a href={`#${sectionId(s.processor)}`} aria-label={`${s.short}: ${s.processor}`}>
                    {s.short}
                  </a>
                </th>
                <td>{stored(s)}</td>
                <td>{now(s)}</td>
                <td>
                  {s.breaker.ok ? (
                    breakerStatusBadge(s.breaker.value.state.status, s.breaker.value.state.consecutiveFailures, true)
                  ) : (
                    <span className={styles.muted}>error</span>
                  )}
                </td>
                <td>
                  {s.verdict ? (
                    <StatusBadge
                      // The Now column already tells incomplete data; here only the override question.
                      tone={s.verdict.kind === "breaker_not_active" ? "muted" : verdictTone(s.verdict.tone)}
                      label={VERDICT_LABELS[s.verdict.kind]}
                    />
                  ) : (
                    <span className={styles.muted}>unavailable</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
