/**
 * Stored vs now, for one breaker key on the entity page: has the data the breaker tripped on
 * arrived, and is an override safe? Pure and client-safe: the entity read (lib/data/entity.ts)
 * builds its inputs from the stored row and the engine's live recheck.
 */
import type { BreakerStatus } from "./breaker";
import type { ProcessorName } from "./processors";
import { type KeyVerdict, keyVerdict } from "./verdict";

export type VerdictKind = "override_safe" | "not_safe" | "breaker_not_active";

/** Stored vs now: whether the data has arrived and an override is safe. */
export interface Verdict {
  kind: VerdictKind;
  tone: "ok" | "warn" | "bad" | "neutral";
  headline: string;
  details: string[];
  storedPct: number | null;
  livePct: number | null;
  /** Games missing now, across windows (each once). */
  stillMissing: number;
  /** The key's data is ready now (own windows and upstreams). */
  readyNow: boolean;
  /** The one verdict, as the Active list, the bulk selection, the CLI and the API carry it. */
  verdict: KeyVerdict;
}

/** What the verdict reads of the latest stored output row (null: none was written). */
export interface VerdictStoredRow {
  expected: number | null;
  /** Stored, rounded; null when no games were expected. */
  completenessPct: number | null;
  missing: number | null;
  productionReady: boolean | null;
}

/** What the verdict reads of the live recheck: the engine's evaluation of the key now. */
export interface VerdictLiveRecheck {
  threshold: number;
  primaryWindow: string;
  windows: readonly { id: string; label: string; missing: number; completenessPct: number | null }[];
  ownReady: boolean;
  blockingWindows: readonly string[];
  cascade: { applies: boolean; ready: boolean; notReady: ProcessorName[] };
  bootstrap: boolean;
  breakerStatus: BreakerStatus;
  /** Every missing game of any window, each once. */
  missingGames: readonly unknown[];
}

function fmtPct(pct: number | null): string {
  return pct === null ? "no games expected" : `${pct}%`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const STATUS_TEXT: Record<Exclude<BreakerStatus, "active">, string> = {
  closed: "Breaker closed — no override needed",
  failing: "Breaker failing but not tripped — no override needed",
  half_open: "Breaker cooldown over, one retry allowed — no override needed",
};

/**
 * Stored vs now. The question an operator asks before overriding: has the data the breaker
 * tripped on arrived? Safe only when the key is active AND the live evaluation is production
 * ready (own windows and, for cascade processors, the upstream processors' rows).
 */
export function verdictOf(stored: VerdictStoredRow | null, live: VerdictLiveRecheck, shorts: (p: ProcessorName) => string): Verdict {
  const primary = live.windows.find((w) => w.id === live.primaryWindow) ?? null;
  const storedPct = stored?.completenessPct ?? null;
  const livePct = primary?.completenessPct ?? null;
  const stillMissing = live.missingGames.length;
  const details: string[] = [];

  if (stored) {
    const primaryLabel = primary?.label ?? live.primaryWindow;
    details.push(
      `${primaryLabel}: stored ${stored.expected === 0 || storedPct === null ? "no games expected" : `${storedPct}%`} → now ${fmtPct(livePct)}` +
        (storedPct === livePct ? " (unchanged)." : "."),
    );
    const arrived = (stored.missing ?? 0) - (primary?.missing ?? 0);
    if (arrived > 0) details.push(`${plural(arrived, "game")} of that window arrived since the row was written.`);
  } else {
    details.push(`No stored row for this date; now ${primary?.label ?? live.primaryWindow} is ${fmtPct(livePct)}.`);
  }
  if (live.blockingWindows.length) {
    const labels = live.windows.filter((w) => live.blockingWindows.includes(w.id)).map((w) => `${w.label} ${fmtPct(w.completenessPct)}`);
    details.push(`Below the ${live.threshold}% threshold now: ${labels.join(", ")}.`);
  }
  // When the own data is ready, the headline names the not-ready upstreams already.
  if (live.cascade.applies && !live.cascade.ready && !live.ownReady) {
    details.push(`Upstream processors not ready: ${live.cascade.notReady.map(shorts).join(", ")}.`);
  }

  // The one verdict (./verdict.ts), on the same evaluation the Active list and the bulk
  // selection use: safe exactly when they say safe.
  const verdict = keyVerdict({
    status: live.breakerStatus,
    ownReady: live.ownReady,
    cascadeReady: live.cascade.ready,
    notReady: live.cascade.notReady,
    missingGames: stillMissing,
  });
  const readyNow = verdict.data === "ready";
  const notReadyReason = verdict.text;
  const figures = { details, storedPct, livePct, stillMissing, readyNow, verdict };

  if (live.breakerStatus === "active") {
    if (verdict.safe) {
      const arrivedSince = stored !== null && stored.productionReady !== true;
      const headline = arrivedSince ? "Data has since arrived — an override is safe" : "Data is ready now — an override is safe";
      return { kind: "override_safe", tone: "ok", headline, ...figures };
    }
    return { kind: "not_safe", tone: "bad", headline: `Not safe to override: ${notReadyReason}`, ...figures };
  }

  const dataNow = readyNow ? "ready now" : live.bootstrap ? `${notReadyReason} (bootstrap: processed anyway)` : notReadyReason;
  return {
    kind: "breaker_not_active",
    tone: readyNow || live.bootstrap ? "neutral" : "warn",
    headline: `${STATUS_TEXT[live.breakerStatus]}; ${dataNow}`,
    ...figures,
  };
}
