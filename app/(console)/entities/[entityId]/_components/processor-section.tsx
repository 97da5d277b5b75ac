import { ReaderName } from "@/components/breakers/reader-name";
import { BreakerTimeline } from "./breaker-timeline";
import { StoredColumns } from "./stored-columns";
import { VerdictBox } from "./verdict-box";
import { WindowsTable } from "./windows-table";
import styles from "./entity.module.css";
import { readerMeaning } from "@/lib/completeness/deployment";
import { getProcessor } from "@/lib/completeness/processors";
import type { ProcessorSection as Section } from "@/lib/entities/view";

import { BreakerWrites } from "./breaker-writes";
import { sectionId } from "./summary-table";

function PartError({ message }: { message: string }) {
  return (
    <p className={styles.error} role="status">
      {message}
    </p>
  );
}

/** What the signed-in role may do on the page; it only decides which controls show. */
export interface SectionAbilities {
  canOverride: boolean;
  canReset: boolean;
}

/**
 * One processor on the date: the verdict of the live recheck, the stored row, each window now
 * (with its missing and DNP games) and the breaker timeline under the processor's breaker reader,
 * with the writes the role may make on the key. Each part shows its own error.
 */
export function ProcessorSection({ section: s, date, readAt, can }: { section: Section; date: string; readAt: string; can: SectionAbilities }) {
  const id = sectionId(s.processor);
  const stored = s.stored.ok ? s.stored.value : null;
  const primaryLabel = s.live.ok
    ? (s.live.value.windows.find((w) => w.id === s.primaryWindow)?.label ?? s.primaryWindow)
    : s.primaryWindow;
  return (
    <section className={`panel ${styles.section}`} id={id} aria-labelledby={`${id}-heading`} data-testid={`section-${s.processor}`}>
      <div className={styles.sectionHead}>
        <h2 id={`${id}-heading`}>
          {s.processor}
          <span className={styles.short}>{s.short}</span>
        </h2>
      </div>
      <p className={styles.keyLine}>
        Breaker key <span className={styles.mono}>{s.processor} / {s.entityId} / {date}</span> · table{" "}
        <span className={styles.mono}>{s.table}</span> ({s.dateColumn}) · threshold {s.threshold}%
        {s.dependsOn.length ? <> · depends on {s.dependsOn.map((p) => getProcessor(p).short).join(", ")}</> : null}
      </p>

      <h3 id={`${id}-verdict`}>Live recheck</h3>
      {s.live.ok && s.verdict ? (
        <VerdictBox verdict={s.verdict} live={s.live.value} headingId={`${id}-verdict`} />
      ) : (
        <PartError message={s.live.ok ? "No verdict" : s.live.message} />
      )}

      <h3>Stored row</h3>
      {!s.stored.ok ? (
        <PartError message={s.stored.message} />
      ) : stored ? (
        <StoredColumns row={stored} now={readAt} primaryLabel={primaryLabel} />
      ) : (
        <p className={styles.muted}>
          No row for {s.entityId} on {date}. {s.noRowHint}
        </p>
      )}

      <h3>Windows now</h3>
      {s.live.ok ? (
        <WindowsTable
          processorShort={s.short}
          windows={s.live.value.windows}
          primaryWindow={s.primaryWindow}
          threshold={s.threshold}
          stored={stored}
          date={date}
        />
      ) : (
        <PartError message={s.live.message} />
      )}

      <h3>Breaker timeline</h3>
      {/* Which read decides is configuration: shown even when the timeline could not be read. */}
      <p className={styles.readerLine} data-testid={`reader-${s.processor}`} data-reader={s.reader}>
        Breaker reader: <ReaderName reader={s.reader} /> — {readerMeaning(s.reader)} · written in reprocess_attempts as{" "}
        <span className={styles.mono}>{s.pipelineName}</span>
      </p>
      {s.breaker.ok ? <BreakerTimeline timeline={s.breaker.value} processor={s.processor} pipelineName={s.pipelineName} /> : <PartError message={s.breaker.message} />}
      {s.breaker.ok && (can.canOverride || can.canReset) ? (
        <BreakerWrites
          // A new key (another date) starts with fresh forms and request ids.
          key={`${s.processor}|${s.entityId}|${date}`}
          processor={s.processor}
          override={
            can.canOverride && s.breaker.value.state.status === "active"
              ? {
                  processor: s.processor,
                  entity_id: s.entityId,
                  analysis_date: date,
                  status: s.breaker.value.state.status,
                  until: s.breaker.value.state.until,
                  attempts: s.breaker.value.state.attemptCount,
                  consequence: s.overrideConsequence,
                }
              : null
          }
          recheck={s.verdict?.kind === "not_safe" ? s.verdict.headline : null}
          reset={
            can.canReset && s.breaker.value.events.length > 0
              ? { entityId: s.entityId, analysisDate: date, rowCount: s.breaker.value.events.length }
              : null
          }
        />
      ) : null}
    </section>
  );
}
