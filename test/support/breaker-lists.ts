/**
 * A few hundred breaker keys for the breaker lists' paging tests, and the lists' reference
 * answer: the whole list (the unpaged monitoring query) filtered, sorted, faceted and paged in
 * TypeScript, as the breakers page's views did before the warehouse paged them.
 *
 * Keys over every registry processor (one under the feature store's pipeline alias, a few under
 * an unknown name), entity ids sharing substrings in different cases, three analysis dates,
 * skip reasons (some NULL), and per key 1–6 rows: failures, trips (three in a row trip it, until
 * a cooldown end before or after now), overrides, successes and resets, with attempted_at values
 * that tie across keys (so only the tie-break orders them). Deterministic (a fixed seed).
 */
import { addDaysToInstant } from "@/lib/completeness/dates";
import { PROCESSORS, getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import type { MonitoringRow } from "@/lib/monitoring/schemas";
import { type Comparable, compareValues, facet, matchesText, sortRows } from "@/components/ui/table-view";

import { attemptRow } from "./fixtures";

export const LISTS_NOW = "2025-01-16T12:00:00.000Z";
const DATES = ["2025-01-10", "2025-01-12", "2025-01-14"];
const REASONS = ["incomplete_upstream_data", "upstream_not_ready", null, "dependency_not_ready"];
const NAMES = ["LeBronJames", "lebron_jr", "stephencurry", "jaysontatum", "LAL_2025-01-14", "BOS_2025-01-12", "kevindurant", "anthonydavis"];

function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const TEAMS: Record<string, string> = { LeBronJames: "LAL", lebron_jr: "lal", stephencurry: "GSW", jaysontatum: "BOS", kevindurant: "PHX", anthonydavis: "LAL" };

/** An entity id of the processor's kind: team-game keys for the team-game processor, teams for the team one, else players. */
function entityFor(processor: string, name: string, date: string): string {
  const kind = resolveProcessorName(processor) ? getProcessor(resolveProcessorName(processor)!).entityKind : "player";
  const team = TEAMS[name] ?? name.slice(0, 3).toUpperCase();
  if (kind === "team_game") return `${team.toUpperCase()}_${date}`;
  if (kind === "team") return team;
  return `${name}${processor.length % 3 === 0 ? "" : `_${processor.length}`}`;
}

/** The dataset's attempt rows. */
export function breakerListRows(): object[] {
  const rand = prng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const rows: object[] = [];
  const processorNames = [...PROCESSORS.map((p) => p.name), "ml_feature_store_v2", "mystery_processor"];
  for (const processor_name of processorNames) {
    for (const name of NAMES) {
      for (const analysis_date of DATES) {
        if (rand() < 0.25) continue;
        const entity_id = entityFor(processor_name, name, analysis_date);
        const steps = 1 + Math.floor(rand() * 6);
        // Hours before now, on a coarse grid: many rows of different keys share an instant.
        let hoursAgo = 24 * (1 + Math.floor(rand() * 12));
        const reason = pick(REASONS);
        const pct = rand() < 0.15 ? null : Math.round(rand() * 10_000) / 100;
        for (let n = 1; n <= steps; n++) {
          const attempted_at = addDaysToInstant(LISTS_NOW, -hoursAgo / 24);
          const roll = rand();
          const base = { processor_name, entity_id, analysis_date, attempt_number: n, attempted_at, completeness_pct: pct, skip_reason: reason };
          if (n >= 3 && roll < 0.6) {
            const until = addDaysToInstant(attempted_at, rand() < 0.8 ? 7 : 1);
            rows.push(attemptRow({ ...base, circuit_breaker_tripped: true, circuit_breaker_until: until, notes: rand() < 0.5 ? `trip ${n}` : null }));
          } else if (roll < 0.7 && n > 1) {
            rows.push(attemptRow({ ...base, event_type: "override", skip_reason: null, actor: rand() < 0.5 ? null : "jordan.oncall", notes: "checked the box scores" }));
          } else if (roll < 0.78) {
            rows.push(attemptRow({ ...base, event_type: "success", skip_reason: null }));
          } else if (roll < 0.8) {
            rows.push(attemptRow({ ...base, event_type: "reset", skip_reason: null, actor: "ada.admin" }));
          } else {
            rows.push(attemptRow(base));
          }
          hoursAgo -= 12 * (1 + Math.floor(rand() * 3));
          if (hoursAgo < 1) break;
        }
      }
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// The reference answer, from the whole list

export type ActiveRef = MonitoringRow<"active-breakers">;
export type HistoryRef = MonitoringRow<"breaker-history">;

export interface ActiveRefFilters {
  processor: string[];
  date?: string;
  reason?: string;
  q?: string;
}

const keyTie = [(r: { processor: string }) => r.processor, (r: { entity_id: string }) => r.entity_id, (r: { analysis_date: string }) => r.analysis_date] as const;

export function selectActiveRef(rows: readonly ActiveRef[], f: ActiveRefFilters, sort: keyof ActiveRef, desc: boolean): ActiveRef[] {
  const kept = rows.filter(
    (r) =>
      (f.processor.length === 0 || f.processor.includes(r.processor)) &&
      (!f.date || r.analysis_date === f.date) &&
      (!f.reason || (r.skip_reason ?? "") === f.reason) &&
      matchesText(r.entity_id, f.q),
  );
  return sortRows(kept, (r) => r[sort] as Comparable, desc, keyTie as unknown as ((r: ActiveRef) => Comparable)[]);
}

export function activeFacetsRef(rows: readonly ActiveRef[]) {
  return { dates: facet(rows, (r) => r.analysis_date, "value-desc"), reasons: facet(rows, (r) => r.skip_reason, "count") };
}

export interface HistoryRefFilters {
  processor: string[];
  entity?: string;
  q?: string;
  date?: string;
  event?: string;
}

export interface KeyRef {
  processor: string;
  entity_id: string;
  analysis_date: string;
  latest: string;
  events: HistoryRef[];
}

export type HistoryRefSort = "latest" | "processor" | "entity_id" | "analysis_date" | "events";

export function selectHistoryRef(rows: readonly HistoryRef[], f: HistoryRefFilters, sort: HistoryRefSort, desc: boolean): KeyRef[] {
  const groups = new Map<string, KeyRef>();
  for (const r of rows) {
    if (f.processor.length > 0 && !f.processor.includes(r.processor)) continue;
    if (f.entity && r.entity_id !== f.entity) continue;
    if (!matchesText(r.entity_id, f.q)) continue;
    if (f.date && r.analysis_date !== f.date) continue;
    const id = `${r.processor}|${r.entity_id}|${r.analysis_date}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { processor: r.processor, entity_id: r.entity_id, analysis_date: r.analysis_date, events: [], latest: r.attempted_at }));
    g.events.push(r);
    if (r.attempted_at > g.latest) g.latest = r.attempted_at;
  }
  let keys = [...groups.values()];
  if (f.event) keys = keys.filter((k) => k.events.some((e) => e.event === f.event));
  for (const k of keys) k.events.sort((a, b) => compareValues(a.attempted_at, b.attempted_at) || a.attempt_number - b.attempt_number);
  const by: Record<HistoryRefSort, (k: KeyRef) => Comparable> = {
    latest: (k) => k.latest,
    processor: (k) => k.processor,
    entity_id: (k) => k.entity_id,
    analysis_date: (k) => k.analysis_date,
    events: (k) => k.events.length,
  };
  return sortRows(keys, by[sort], desc, keyTie as unknown as ((k: KeyRef) => Comparable)[]);
}
