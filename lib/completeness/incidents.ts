/**
 * Incidents: failing and tripped breaker keys grouped by what caused them. Client-safe, pure.
 *
 * The shapes every layer shares (engine, data layer, API, pages, CLI). The grouping rules and
 * their implementation live here too.
 */
import type { OverrideOutcome } from "./breaker";
import type { BreakerStatus } from "./breaker";
import type { IsoDate } from "./dates";
import type { ProcessorName } from "./processors";

/** What a group of keys is waiting for. */
export type IncidentKind =
  /** Whole games (every team row of the game) missing from an upstream table. */
  | "upstream_gap"
  /** One player's row missing from a game whose team box score is there. */
  | "player_row"
  /** A cascade processor waiting for an upstream processor's output that no gap explains. */
  | "upstream_processor"
  /** Failed although nothing was missing when it ran (e.g. the original checker's 0% for windows that expected no game). */
  | "nothing_missing";

export type IncidentStatus =
  /** Some key is still tripped or failing. */
  | "open"
  /** No key is tripped or failing any more (overridden, processed, reset or expired). */
  | "closed";

export interface IncidentKey {
  processor: ProcessorName;
  entity_id: string;
  analysis_date: IsoDate;
  /** Breaker status now. */
  state: BreakerStatus;
  /** The key's data is complete now (live recheck: own windows and, for cascades, upstream processors ready). Null when not checked (closed keys). */
  recovered: boolean | null;
  /** What is still missing now, in words (empty when recovered). */
  still_missing: string | null;
  /** What the latest override of the key led to, or null when it was never overridden since it failed. */
  outcome: OverrideOutcome | null;
  /** When the key first failed for this cause (the first failure of its current streak). */
  failed_at: string;
  /** When it tripped, if it did. */
  tripped_at: string | null;
}

export interface Incident {
  /** Stable across reloads while its cause is the same: derived from its root cause, not a counter. */
  id: string;
  kind: IncidentKind;
  /** In words: "player_game_summary missing for 14 games, Dec 3–5, 9 teams". */
  cause: string;
  /** `dataset.table` of the upstream the rows are missing from; null for nothing_missing. */
  upstream_table: string | null;
  /** Game dates of the missing upstream rows, ascending. */
  missing_dates: IsoDate[];
  /** Teams whose rows are missing, ascending. */
  teams: string[];
  /** Number of keys. */
  keys: number;
  processors: ProcessorName[];
  entities: number;
  /** Analysis dates of the keys, ascending. */
  dates: IsoDate[];
  /** Keys whose data is complete now. */
  recovered_keys: number;
  /** Keys still tripped or failing. */
  open_keys: number;
  /** The earliest failure of its keys. */
  opened_at: string;
  status: IncidentStatus;
  /** Trips per day (UTC day of the trip). */
  trips_by_day: { day: IsoDate; trips: number }[];
}

export interface IncidentDetail extends Incident {
  keys_list: IncidentKey[];
}
