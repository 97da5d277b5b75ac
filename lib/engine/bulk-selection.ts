import "server-only";

import { type IsoDate } from "@/lib/completeness/dates";
import type { Deployment } from "@/lib/completeness/deployment";
import { type ProcessorName, resolveProcessorName } from "@/lib/completeness/processors";
import type { SeasonCalendar } from "@/lib/completeness/calendar";
import { trippedKeys } from "@/lib/queries/breakers";
import type { Warehouse } from "@/lib/warehouse/types";

import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyString, readKeys } from "./breaker-writes";
import { dataReady, evaluateVerdicts } from "./verdicts";

/**
 * A key's data has recovered (the live recheck): its own windows are complete enough AND, for a
 * cascade processor, every upstream processor it depends on is ready for that entity and date —
 * the data part of the one verdict (lib/completeness/verdict.ts). An incident's recovered keys
 * use it; the bulk override's "only recovered" selects the keys whose verdict is safe.
 */
export const dataRecovered = dataReady;

/**
 * The keys a bulk-override filter selects: ACTIVE breakers for analysis dates in the range,
 * narrowed by processors, skip reasons and entities, and optionally to keys whose upstream data
 * is complete now (the live recheck). Reads stay constant in the number of keys: one query for
 * the tripped keys, one for their rows, and for the live recheck one evaluation per
 * (processor, date) group — never one query per key.
 */
export interface SelectionFilter {
  date_from: IsoDate;
  date_to: IsoDate;
  processors?: ProcessorName[];
  skip_reasons?: string[];
  entities?: string[];
  only_recovered?: boolean;
}

export async function selectActiveKeys(
  wh: Warehouse,
  filter: SelectionFilter,
  now: string,
  /** The deployment whose thresholds the live recheck applies (`only_recovered`). */
  deployment: Deployment,
  calendar?: SeasonCalendar,
): Promise<BreakerKeyRef[]> {
  const tripped = await trippedKeys.run(wh, { date_from: filter.date_from, date_to: filter.date_to });
  // Sets, not arrays: a filter may list thousands of entities (linear lookups made this quadratic).
  const processors = filter.processors?.length ? new Set<string>(filter.processors) : null;
  const entities = filter.entities?.length ? new Set(filter.entities) : null;
  const candidates = tripped.flatMap((r) => {
    const processor = resolveProcessorName(r.processor_name);
    if (!processor) return [];
    if (processors && !processors.has(processor)) return [];
    if (entities && !entities.has(r.entity_id)) return [];
    return [{ processor, entity_id: r.entity_id, analysis_date: r.analysis_date }];
  });
  const unique = [...new Map(candidates.map((k) => [`${k.processor}|${k.entity_id}|${k.analysis_date}`, k])).values()];
  if (unique.length === 0) return [];
  const snapshot = await readKeys(wh, unique, now);
  const skipReasons = filter.skip_reasons?.length ? new Set(filter.skip_reasons) : null;
  let active = snapshot.keys.filter((k) => k.state.status === "active" && (!skipReasons || skipReasons.has(k.state.lastSkipReason ?? "")));
  if (filter.only_recovered) {
    // The same verdict the Active list, the entity page and the CLI show: one evaluation per
    // (processor, date) group on the rows just read, at the same `now`.
    const { verdicts } = await evaluateVerdicts(wh, active.map((k) => k.key), {
      now,
      deployment,
      calendar,
      rows: new Map(active.map((k) => [keyString(k.key), k.rows])),
    });
    active = active.filter((k) => verdicts.get(keyString(k.key))?.safe === true);
  }
  return active.map((k) => k.key).sort((a, b) =>
    a.processor !== b.processor ? (a.processor < b.processor ? -1 : 1) : a.analysis_date !== b.analysis_date ? (a.analysis_date < b.analysis_date ? -1 : 1) : a.entity_id < b.entity_id ? -1 : 1,
  );
}
