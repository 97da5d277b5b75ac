import type { LiveRecheck } from "@/lib/entities/view";
import type { Verdict } from "@/lib/completeness/entity-verdict";

import type { Tone } from "@/components/ui/status";
import { StatusBadge } from "@/components/ui/status-badge";
import { Timestamp } from "./timestamp";
import styles from "./entity.module.css";

const LABELS: Record<Verdict["kind"], string> = {
  override_safe: "Override safe",
  not_safe: "Override not safe",
  breaker_not_active: "Breaker not active",
};

/** A verdict's tone as a badge tone: a neutral verdict is a muted badge. */
export function verdictTone(tone: Verdict["tone"]): Tone {
  return tone === "neutral" ? "muted" : tone;
}

/** The live recheck's answer: has the data arrived, is an override safe — with when it was read. */
export function VerdictBox({ verdict, live, headingId }: { verdict: Verdict; live: LiveRecheck; headingId: string }) {
  return (
    <div className={`${styles.verdict} ${styles[verdict.tone]}`} data-testid="live-verdict" role="group" aria-labelledby={headingId}>
      <div className={styles.verdictHead}>
        <StatusBadge tone={verdictTone(verdict.tone)} label={LABELS[verdict.kind]} />
        <span>{verdict.headline}</span>
      </div>
      <ul>
        {verdict.details.map((d) => (
          <li key={d}>{d}</li>
        ))}
        <li>{live.decision.summary}</li>
      </ul>
      <p className={styles.muted}>
        Live recheck read <Timestamp iso={live.readAt} now={live.readAt} />: upstream rows that had arrived by then.
      </p>
    </div>
  );
}
