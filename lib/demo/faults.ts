/**
 * The simulator's ground truth for incidents: for each failure it causes, WHICH fault caused it.
 * Fault ids come from the season's fault registry (`season.faults`), never from the console's
 * grouping:
 *   `outage:december` / `outage:recent`   a game lost in that scraper outage
 *   `late:<game_id>`                       a box score that landed days late
 *   `row:<game_id>:<player>`               a player's summary row that never arrives
 *   `key:<processor>|<entity>|<date>`      (cascade) the upstream key the failure waited for
 *   `nothing`                              nothing was missing (e.g. a window expecting no game)
 * Every failing key also carries its own `key:` id, so a cascade key waiting for it is linked to
 * it. Ground-truth incidents are the connected components of keys sharing an id. Pure.
 */
import type { IsoDate } from "@/lib/completeness/dates";
import type { ProcessorName } from "@/lib/completeness/processors";

import type { SimulatedSeasonData } from "./season";

/** One failure the simulation recorded, and the faults that caused it. */
export interface FailureCause {
  processor: ProcessorName;
  entity_id: string;
  analysis_date: IsoDate;
  /** attempted_at of the failure's row (ISO instant, as written). */
  at: string;
  faults: string[];
}

export const keyFault = (processor: ProcessorName, entity: string, date: IsoDate) => `key:${processor}|${entity}|${date}`;

/** Fault ids of missing games, from the season's fault list (and, for a profile that lost more games in an outage, its own list). */
export function faultRegistry(faults: SimulatedSeasonData["faults"], extraOutageGames: ReadonlyMap<string, "december" | "recent"> = new Map()) {
  const outageOf = new Map<string, string>();
  for (const o of faults.outages) for (const g of o.gameIds) outageOf.set(g, `outage:${o.kind}`);
  for (const [g, kind] of extraOutageGames) outageOf.set(g, `outage:${kind}`);
  const late = new Set(faults.lateGames.map((g) => g.game_id));
  const rows = new Set(faults.missingPlayerRows.map((r) => `${r.game_id}|${r.player_lookup}`));
  return {
    /**
     * The fault behind a game missing for `player` (null: a team's whole box score), by the
     * season's game id; null when no fault explains it (a DNP counted as missing, a game before
     * the player joined).
     */
    ofGame(gameId: string, player: string | null): string | null {
      const outage = outageOf.get(gameId);
      if (outage) return outage;
      if (late.has(gameId)) return `late:${gameId}`;
      if (player !== null && rows.has(`${gameId}|${player}`)) return `row:${gameId}:${player}`;
      return null;
    },
  };
}

/** The faults of one failure: its games' and waits' ids, or `nothing`. */
export function failureFaults(ids: Iterable<string | null>): string[] {
  const set = new Set<string>();
  for (const id of ids) if (id) set.add(id);
  return set.size ? [...set].sort() : ["nothing"];
}

/** A window that failed, as the simulated processor counted it, with the fault of each game it lacked (null: none). */
export interface FailedWindowFaults {
  expected: number;
  actual: number;
  missing: (string | null)[];
}

/**
 * Which faults caused an own-data failure, by the simulated processor's own windows: a fault
 * caused it when, with only that fault's games missing (every other missing game present), one
 * of its failed windows would still have been below the threshold; when no fault suffices alone,
 * every fault of its failed windows (they caused it together); of those, only the widest kind. A window that would fail with
 * nothing missing at all (no game expected, or rows the checker miscounts) names no fault.
 * Stated here on its own, from the simulation's counts, so the ground truth does not borrow the
 * console's grouping code it is compared with.
 */
export function causingFaults(windows: readonly FailedWindowFaults[], threshold: number): string[] {
  const sufficient = new Set<string>();
  const all = new Set<string>();
  for (const w of windows) {
    if (w.expected <= 0) continue;
    const present = w.actual + w.missing.length;
    if ((present / w.expected) * 100 < threshold) continue;
    const counts = new Map<string, number>();
    for (const f of w.missing) if (f) counts.set(f, (counts.get(f) ?? 0) + 1);
    for (const [f, n] of counts) {
      all.add(f);
      if (((present - n) / w.expected) * 100 < threshold) sufficient.add(f);
    }
  }
  // The widest fault explains the failure: an outage before a late box score, a late box score
  // (or a game no fault explains) before one player's missing row.
  const causes = [...(sufficient.size ? sufficient : all)];
  const rank = (f: string) => (f.startsWith("outage:") ? 0 : f.startsWith("late:") || f.startsWith("unexplained:") ? 1 : 2);
  const best = Math.min(...causes.map(rank));
  return failureFaults(causes.filter((f) => rank(f) === best));
}

/**
 * What an active breaker is the morning after, the question on-call asks of each:
 *   `recovered`        every window it tripped on is complete enough now and, for a cascade
 *                      processor, every upstream key it waits for has a production-ready row:
 *                      an override is safe, its next run processes;
 *   `still_missing`    a window is still below the threshold: the data has not arrived;
 *   `cascade_waiting`  its own data is there, but an upstream key it waits for has no ready row
 *                      (that key is itself tripped or still failing).
 */
export type MorningVerdict = "recovered" | "still_missing" | "cascade_waiting";

/** A key's failure as the simulated run recorded it, with when each game it lacked lands (null: never). */
export interface RecordedFailure {
  threshold: number;
  /** Every window of the failing run, with the games it lacked. */
  windows: { expected: number; actual: number; missingLandsAt: (string | null)[] }[];
  /** Upstream processors the key waits for, each with the entity its row is keyed by (absent: none to wait for). */
  waitsFor: { processor: ProcessorName; entity: string | undefined }[];
}

/**
 * The verdict at `now` from the failure's own counts and the simulation's landing times, never
 * from the warehouse: a window's games only ever arrive (rows are appended) and the games a
 * window expects are fixed by the key's date, so a window is ready now when its count at the
 * failure plus the games that have landed since reach the threshold (unrounded; no games
 * expected is ready). Cascade readiness is each upstream key's latest row as the runs wrote it.
 */
export function morningVerdict(failure: RecordedFailure, now: string, upstreamReady: (processor: ProcessorName, entity: string) => boolean): MorningVerdict {
  const ownReady = failure.windows.every((w) => {
    if (w.expected <= 0) return true;
    const landed = w.missingLandsAt.filter((at) => at !== null && at <= now).length;
    return ((w.actual + landed) / w.expected) * 100 >= failure.threshold;
  });
  if (!ownReady) return "still_missing";
  const cascadeReady = failure.waitsFor.every((w) => w.entity !== undefined && upstreamReady(w.processor, w.entity));
  return cascadeReady ? "recovered" : "cascade_waiting";
}
