/**
 * How incidents read on the pages: the words for kinds, states and outcomes, the blast radius
 * in one line, the trips per day as a chart series without holes, and the keys table's sort and
 * page. Pure and client-safe.
 */
import type { OverrideOutcome } from "@/lib/completeness/breaker";
import { type IsoDate, addDays } from "@/lib/completeness/dates";
import type { Incident, IncidentDetail, IncidentKey, IncidentKind } from "@/lib/completeness/incidents";
import { formatCount } from "@/lib/format";

import type { StatusStyle } from "@/components/ui/status";
import { type PageSlice, paginate, resolveSort, sortRows } from "@/components/ui/table-view";

export const KIND_LABEL: Record<IncidentKind, string> = {
  upstream_gap: "Upstream games missing",
  player_row: "A player's row missing",
  upstream_processor: "Waiting for an upstream processor",
  nothing_missing: "Failed with nothing missing",
};

export const OUTCOME_STYLE: Record<OverrideOutcome, StatusStyle> = {
  processed: { word: "Processed", glyph: "✓", tone: "ok" },
  failed_again: { word: "Failed again", glyph: "✕", tone: "warn" },
  re_tripped: { word: "Re-tripped", glyph: "⊘", tone: "bad" },
  pending: { word: "Pending (no run since)", glyph: "…", tone: "muted" },
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "3 processors × 120 entities × 4 dates (412 keys)". */
export function blastRadius(incident: Pick<Incident, "processors" | "entities" | "dates" | "keys">): string {
  return `${plural(incident.processors.length, "processor")} × ${plural(incident.entities, "entity", "entities")} × ${plural(incident.dates.length, "date")} (${plural(incident.keys, "key")})`;
}

/** "Data now complete for 1,180 of 1,250 keys". */
export function recoveryLine(incident: Pick<Incident, "recovered_keys" | "keys">): string {
  return `Data now complete for ${formatCount(incident.recovered_keys)} of ${formatCount(incident.keys)} ${incident.keys === 1 ? "key" : "keys"}`;
}

/** How far an incident has recovered, as a badge (the figures say how much). */
export function recoveryStyle(incident: Pick<Incident, "recovered_keys" | "keys">): StatusStyle {
  if (incident.keys > 0 && incident.recovered_keys === incident.keys) return { word: "All recovered", glyph: "✓", tone: "ok" };
  if (incident.recovered_keys > 0) return { word: "Partly recovered", glyph: "◐", tone: "warn" };
  return { word: "Nothing recovered", glyph: "✕", tone: "bad" };
}

/** Every day from the first trip to the last, zero where nothing tripped (a gap is not "no data"). */
export function tripsSeries(tripsByDay: readonly { day: IsoDate; trips: number }[]): { x: string; trips: number }[] {
  if (tripsByDay.length === 0) return [];
  const byDay = new Map<string, number>();
  for (const d of tripsByDay) byDay.set(d.day, (byDay.get(d.day) ?? 0) + d.trips);
  const days = [...byDay.keys()].sort();
  const out: { x: string; trips: number }[] = [];
  for (let day = days[0]!; day <= days[days.length - 1]!; day = addDays(day, 1)) out.push({ x: day, trips: byDay.get(day) ?? 0 });
  return out;
}

export const KEY_SORTS = ["processor", "entity_id", "analysis_date", "state", "recovered", "outcome"] as const;
export type KeySort = (typeof KEY_SORTS)[number];
export const KEYS_PAGE_SIZE = 50;

export interface KeysState {
  sort: KeySort;
  desc: boolean;
  page: number;
  /** Only keys whose data has recovered (`yes`) or not (`no`). */
  recovered?: "yes" | "no";
}

export function keysStateFrom(search: { sort?: string; dir?: "asc" | "desc"; page: number; recovered?: "yes" | "no" }): KeysState {
  const { id, desc } = resolveSort(search.sort, search.dir, KEY_SORTS, { id: "analysis_date", desc: false });
  return { sort: id, desc, page: search.page, recovered: search.recovered };
}

/** The keys the table shows: filtered, sorted (ties by processor, entity, date), one page. */
export function keysPage(keys: readonly IncidentKey[], state: KeysState): PageSlice<IncidentKey> {
  const filtered = state.recovered ? keys.filter((k) => k.recovered === (state.recovered === "yes")) : keys;
  const sorted = sortRows(filtered, (k) => k[state.sort], state.desc, [(k) => k.processor, (k) => k.entity_id, (k) => k.analysis_date]);
  return paginate(sorted, state.page, KEYS_PAGE_SIZE);
}

/** Keys whose data is still missing, with what: the ones an override would not help yet. */
export function notRecovered(keys: readonly IncidentKey[]): IncidentKey[] {
  return keys.filter((k) => k.recovered === false);
}

/** An active breaker as the active-breakers read lists it (only its key is needed here). */
export interface ActiveKeyLike {
  processor: string;
  entity_id: string;
  analysis_date: string;
}

const keyOf = (k: ActiveKeyLike) => `${k.processor}|${k.entity_id}|${k.analysis_date}`;

/**
 * The active breakers grouped by the incident whose keys hold them, in the incidents' order
 * (worst first), then the ones no incident explains. A key is in one incident at most; an
 * incident none of whose keys is active is left out (nothing of it is on this list).
 */
export function groupActiveByIncident<Row extends ActiveKeyLike>(
  rows: readonly Row[],
  incidents: readonly Pick<IncidentDetail, "id" | "cause" | "keys_list">[],
): { groups: { incident: Pick<IncidentDetail, "id" | "cause">; rows: Row[] }[]; unexplained: Row[] } {
  const owner = new Map<string, number>();
  incidents.forEach((incident, index) => {
    for (const k of incident.keys_list) if (!owner.has(keyOf(k))) owner.set(keyOf(k), index);
  });
  const grouped = incidents.map(() => [] as Row[]);
  const unexplained: Row[] = [];
  for (const row of rows) {
    const index = owner.get(keyOf(row));
    if (index === undefined) unexplained.push(row);
    else grouped[index]!.push(row);
  }
  return {
    groups: incidents.flatMap((incident, i) => (grouped[i]!.length ? [{ incident: { id: incident.id, cause: incident.cause }, rows: grouped[i]! }] : [])),
    unexplained,
  };
}
