/**
 * The About-to-trip table's view: the keys failing but not tripped whose next failure trips
 * them, sorted by any column (the verdict too). Pure and client-safe.
 */
import { verdictRank } from "@/lib/completeness/verdict";
import type { BreakersSearch } from "@/lib/url-state";

import { resolveSort, sortRows } from "@/components/ui/table-view";

import type { AboutToTripRow } from "@/lib/breakers/about-to-trip";

export const ABOUT_SORTS = ["processor", "entity_id", "analysis_date", "consecutive_failures", "last_attempt_at", "last_completeness_pct", "verdict"] as const;
export type AboutSort = (typeof ABOUT_SORTS)[number];

export function sortAboutToTrip(rows: readonly AboutToTripRow[], search: Pick<BreakersSearch, "sort" | "dir" | "processor">): { rows: AboutToTripRow[]; sort: { id: AboutSort; desc: boolean } } {
  const sort = resolveSort(search.sort, search.dir, ABOUT_SORTS, { id: "last_attempt_at", desc: false });
  const kept = search.processor.length ? rows.filter((r) => (search.processor as string[]).includes(r.processor)) : [...rows];
  const sorted = sortRows(kept, (r) => (sort.id === "verdict" ? verdictRank(r.verdict) : r[sort.id]), sort.desc, [(r) => r.processor, (r) => r.entity_id, (r) => r.analysis_date]);
  return { rows: sorted, sort };
}
