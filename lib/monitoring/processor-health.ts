/**
 * The health rows as the pure alert rules read them (registry processors only). Client-safe: the
 * data layer evaluates the alerts for the first render and the overview re-evaluates them on a
 * client refresh, both from this one mapping.
 *
 * The weight of a processor's average in the overall one is its row count, which also counts
 * rows without a completeness figure (no games expected): the contract carries no separate
 * count of those, and they are a small share of any day.
 */
import type { ProcessorHealth } from "@/lib/completeness/alerts";
import { isProcessorName } from "@/lib/completeness/processors";

import type { MonitoringRow } from "./schemas";

export function toProcessorHealth(rows: readonly MonitoringRow<"health">[]): ProcessorHealth[] {
  return rows.flatMap((r) =>
    isProcessorName(r.processor)
      ? [
          {
            processor: r.processor,
            productionReadyPct: r.production_ready_pct,
            avgCompleteness: r.avg_completeness_pct,
            records: r.total_records,
            activeBreakers: r.active_breakers,
          },
        ]
      : [],
  );
}
