/**
 * The API bodies the CLI reads, as the server declares them (type-only imports: nothing of the
 * server is bundled or run by the CLI).
 */
import type { LatestOutcome, OutcomeCounts } from "@/lib/breakers/outcomes";
import type { EntityFound, ProcessorSection } from "@/lib/entities/view";
import type { BulkPreview, RestorePreviewView } from "@/lib/breakers/changes";
import type { ActiveBreakersPage, BreakerHistoryPage } from "@/lib/monitoring/lists";
import type { ActiveBreakerRow, MonitoringQueryName, MonitoringResult } from "@/lib/monitoring/schemas";

export type MonitoringBody<N extends MonitoringQueryName> = MonitoringResult<N>;
export type EntityBody = EntityFound;
export type ProcessorSectionBody = ProcessorSection;
export type BulkPreviewBody = BulkPreview & { ok: true; replay: boolean };
export type RestorePreviewBody = RestorePreviewView & { ok: true };
/** A breaker-key monitoring read asked with `outcomes=latest`: each listed key's latest override and what it led to. */
export type MonitoringWithOutcomesBody<N extends "active-breakers" | "breaker-history"> = MonitoringResult<N> & {
  outcomes: LatestOutcome[];
  outcome_counts: OutcomeCounts;
};

/** `GET /api/v1/monitoring/active-breakers?outcomes=latest[&safe=yes]`: each row carries its verdict. */
export type ActiveBreakersBody = Omit<MonitoringWithOutcomesBody<"active-breakers">, "rows"> & { rows: ActiveBreakerRow[] };

/** One page of a breaker list asked with `outcomes=latest` (the CLI reads every page). */
export type ActiveBreakersPageBody = ActiveBreakersPage & { outcomes: LatestOutcome[]; outcome_counts: OutcomeCounts };
export type BreakerHistoryPageBody = BreakerHistoryPage & { outcomes: LatestOutcome[]; outcome_counts: OutcomeCounts };
