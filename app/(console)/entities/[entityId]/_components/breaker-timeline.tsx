import { OUTCOME_LABELS } from "@/lib/breakers/outcomes";
import { type BreakerEventType, type BreakerStatus, type OverrideOutcome, TRIP_AFTER } from "@/lib/completeness/breaker";
import type { BreakerTimeline as Timeline } from "@/lib/entities/view";

import { formatCode, formatCompletenessPct, humanInstants } from "@/lib/format";
import type { Tone } from "@/components/ui/status";
import { StatusBadge } from "@/components/ui/status-badge";
import { Timestamp } from "./timestamp";
import styles from "./entity.module.css";
import { OverHundredFlag } from "@/components/ui/over-hundred-flag";
import { EVENT_STYLE, attemptLabel } from "@/components/ui/status";

/** The entity page's tone per event (operator rows muted); the words are the console's (EVENT_STYLE). */
const EVENT_TONES: Record<BreakerEventType, Tone> = {
  failure: "warn",
  trip: "bad",
  success: "ok",
  recovery: "ok",
  override: "muted",
  reset: "muted",
};

export function breakerStatusBadge(status: BreakerStatus, consecutiveFailures = 0, compact = false) {
  switch (status) {
    case "active":
      return <StatusBadge tone="bad" label={compact ? "Active (tripped)" : "Active: tripped, the processor skips it"} />;
    case "half_open":
      return <StatusBadge tone="warn" label={compact ? "Half-open" : "Half-open: cooldown over, one retry allowed"} />;
    case "failing":
      return <StatusBadge tone="warn" label={compact ? `Failing (${consecutiveFailures} of ${TRIP_AFTER})` : `Failing: ${consecutiveFailures} of ${TRIP_AFTER} failures`} />;
    case "closed":
      return <StatusBadge tone="ok" label="Closed" />;
  }
}

/** Stored notes with each ISO instant written as the page writes instants ("2026-12-13 04:00 UTC"). */
export const humanNotes = humanInstants;

const OUTCOME_TONES: Record<OverrideOutcome, Tone> = { processed: "ok", failed_again: "warn", re_tripped: "bad", pending: "muted" };

/**
 * Every row of the breaker key in attempt order, and the state derived from them now. A row
 * written under another of the processor's names than `pipelineName` (the one its pipeline
 * writes now) says so: it is still the same key.
 */
export function BreakerTimeline({ timeline, processor, pipelineName }: { timeline: Timeline; processor: string; pipelineName: string }) {
  const { state, events, readAt } = timeline;
  return (
    <>
      <div className={styles.stateLine}>
        <span>State now:</span>
        {breakerStatusBadge(state.status, state.consecutiveFailures)}
        {state.status === "active" && state.until ? (
          <span>
            until <Timestamp iso={state.until} now={readAt} />
          </span>
        ) : null}
        {state.status === "half_open" && state.until ? (
          <span>
            cooldown ended <Timestamp iso={state.until} now={readAt} />
          </span>
        ) : null}
        <span className={styles.muted}>
          {state.consecutiveFailures} consecutive {state.consecutiveFailures === 1 ? "failure" : "failures"} · {state.attemptCount}{" "}
          {state.attemptCount === 1 ? "attempt" : "attempts"} · {state.tripCount} {state.tripCount === 1 ? "trip" : "trips"}
        </span>
      </div>
      {state.legacyOverrideOnTrip ? (
        <p className={styles.notice}>
          The trip in force carries the old scripts&rsquo; manual_override_applied flag, which never unblocked anything:
          the key is still tripped until an operator overrides it for real.
        </p>
      ) : null}
      {events.length === 0 ? (
        <p className={styles.muted}>No breaker rows for {processor} on this key: it has never failed.</p>
      ) : (
        <ol className={styles.timeline} aria-label={`Breaker timeline of ${processor}, oldest first`}>
          {events.map((e, i) => {
            return (
              <li key={`${e.attemptNumber}-${e.attemptedAt}-${i}`}>
                <div className={styles.eventHead}>
                  <StatusBadge tone={EVENT_TONES[e.event]} label={EVENT_STYLE[e.event].word} />
                  <span>
                    {attemptLabel(e.event, e.attemptNumber) ? <>{attemptLabel(e.event, e.attemptNumber)} · </> : null}
                    <Timestamp iso={e.attemptedAt} now={readAt} />
                  </span>
                  {e.event === "override" || e.event === "reset" ? null : (
                    <span>
                      completeness {formatCompletenessPct(e.completenessPct, "n/a (no games expected)")}
                      <OverHundredFlag pct={e.completenessPct} />
                    </span>
                  )}
                  {e.skipReason && e.event !== "override" && e.event !== "reset" ? (
                    <span className={styles.mono}>{e.skipReason}</span>
                  ) : null}
                  {e.actor ? (
                    <span>
                      by <strong>{e.actor}</strong>
                      {e.actorRole ? <span className={styles.muted}> ({e.actorRole})</span> : null}
                    </span>
                  ) : null}
                  {e.reasonCode ? <span className={styles.muted}>reason: {formatCode(e.reasonCode)}</span> : null}
                </div>
                {e.outcome ? (
                  <p className={styles.notes} data-testid="override-outcome" data-outcome={e.outcome}>
                    Led to: <StatusBadge tone={OUTCOME_TONES[e.outcome]} label={OUTCOME_LABELS[e.outcome]} />
                    {e.outcomeDecidedAt ? (
                      <>
                        {" "}
                        <Timestamp iso={e.outcomeDecidedAt} now={readAt} />
                      </>
                    ) : null}
                  </p>
                ) : null}
                {e.until ? (
                  <p className={styles.notes}>
                    Tripped until <Timestamp iso={e.until} now={readAt} />
                  </p>
                ) : null}
                {e.rowsRemoved !== null ? <p className={styles.notes}>{e.rowsRemoved} earlier rows deleted</p> : null}
                {e.notes ? <p className={styles.notes}>{humanNotes(e.notes)}</p> : null}
                {e.processorName && e.processorName !== pipelineName ? (
                  <p className={styles.notes}>Written under another name: {e.processorName}</p>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}
