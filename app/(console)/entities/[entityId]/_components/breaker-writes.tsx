"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

import { OverrideForm, type OverrideTarget } from "@/components/overrides/override-form";
import { ResetForm } from "./reset-form";
import styles from "./entity.module.css";

export interface ResetTarget {
  entityId: string;
  analysisDate: string;
  /** The key's breaker rows, all of which a reset deletes. */
  rowCount: number;
}

/**
 * The writes on one processor's breaker key, as disclosures under its timeline: Override when
 * the breaker is active (operators), Reset when the key has rows (admins). The server decides
 * which to offer from the session's role; the actions check the role again.
 *
 * After a write the page's server data is refreshed (the timeline shows the new row). A form
 * that succeeded stays on screen with its result and the state it acted on, even though the
 * refreshed key no longer offers it (an overridden breaker is not active any more).
 */
export function BreakerWrites({
  processor,
  override,
  recheck,
  reset,
}: {
  processor: string;
  override: OverrideTarget | null;
  /** The live recheck's verdict on overriding, when it says it is not safe (its headline). */
  recheck?: string | null;
  reset: ResetTarget | null;
}) {
  const router = useRouter();
  const [overridden, setOverridden] = useState<OverrideTarget | null>(null);
  const [wasReset, setWasReset] = useState<ResetTarget | null>(null);
  const overrideShown = overridden ?? override;
  const resetShown = wasReset ?? reset;
  if (!overrideShown && !resetShown) return null;
  return (
    <div className={styles.writes}>
      {overrideShown ? (
        <details className="write-disclosure" data-testid={`override-${processor}`}>
          <summary>Override this breaker</summary>
          {recheck && !overridden ? (
            <p className="form-warning">
              ⚠ Live recheck: {recheck}. Overridden now, the processor will likely fail again and the breaker trip again (what
              an override gives this processor is said below) — override only if you know the data is right.
            </p>
          ) : null}
          <OverrideForm
            target={overrideShown}
            onDone={(ok) => {
              if (!ok) return;
              setOverridden(overrideShown);
              router.refresh();
            }}
          />
        </details>
      ) : null}
      {resetShown ? (
        <details className="write-disclosure danger" data-testid={`reset-${processor}`}>
          <summary>Reset this breaker</summary>
          <ResetForm
            processor={processor}
            entityId={resetShown.entityId}
            analysisDate={resetShown.analysisDate}
            rowCount={resetShown.rowCount}
            onDone={(ok) => {
              if (!ok) return;
              setWasReset(resetShown);
              router.refresh();
            }}
          />
        </details>
      ) : null}
    </div>
  );
}
