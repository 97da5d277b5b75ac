import "server-only";

import { type BreakerRowInput, type OverrideResultRow, eventOf, overrideOutcomes } from "@/lib/completeness/breaker";
import { instantMicros, toPreciseInstant } from "@/lib/completeness/dates";
import { type ProcessorName, getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import { overriddenKeys, processedOutputSql, processedOutputs } from "@/lib/queries/breakers";
import type { Warehouse } from "@/lib/warehouse/types";

import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyRowsFilter, keyString, readKeys } from "./breaker-writes";

/**
 * What each override of a set of keys led to (`overrideOutcomes`), read from the warehouse:
 * the keys' breaker rows in one query, and, per processor among the keys, one query for when
 * each key's output was last written as processed — the original Python processors record a
 * run they were let through only there (they write no success row); only keys with an override
 * are looked up there. The number of queries is at most two plus the number of processors,
 * whatever the number of keys.
 *
 * Everything is judged at `now`: rows attempted and outputs written after it are not seen, as
 * breaker state at `now` does not see them.
 */

/** Per key (`keyString`), when its output was last written as processed at or before `now`. */
export async function readProcessedAt(wh: Warehouse, keys: readonly BreakerKeyRef[], now: string): Promise<Map<string, string>> {
  const byProcessor = new Map<ProcessorName, BreakerKeyRef[]>();
  for (const k of keys) byProcessor.set(k.processor, [...(byProcessor.get(k.processor) ?? []), k]);
  const wanted = new Set(keys.map(keyString));
  const found = new Map<string, string>();
  await Promise.all(
    [...byProcessor].map(async ([processor, own]) => {
      const dates = own.map((k) => k.analysis_date).sort();
      const rows = await processedOutputs.run(
        wh,
        { date_from: dates[0]!, date_to: dates.at(-1)!, entity_ids: [...new Set(own.map((k) => k.entity_id))], observed_at: now },
        { processor_output: processedOutputSql(getProcessor(processor).name) },
      );
      for (const r of rows) {
        const k = keyString({ processor, entity_id: r.entity_id, analysis_date: r.date });
        if (wanted.has(k)) found.set(k, toPreciseInstant(r.processed_at));
      }
    }),
  );
  return found;
}

/** The outcomes of a key's overrides from its rows, judged at `now` (later rows unseen). */
export function outcomesAt(rows: readonly BreakerRowInput[], processedAt: string | null, now: string): OverrideResultRow[] {
  const nowUs = instantMicros(now);
  return overrideOutcomes(
    rows.filter((r) => instantMicros(r.attempted_at) <= nowUs),
    processedAt,
  );
}

export interface KeyOutcomes {
  key: BreakerKeyRef;
  /** The key's rows attempted at or before `now`. */
  rows: BreakerRowInput[];
  outcomes: OverrideResultRow[];
}

/** Each key's rows (at or before `now`) and its overrides' outcomes: for readers that need both. */
export async function readKeyOutcomes(wh: Warehouse, keys: readonly BreakerKeyRef[], now: string): Promise<KeyOutcomes[]> {
  if (keys.length === 0) return [];
  const nowUs = instantMicros(now);
  const snapshot = await readKeys(wh, keys, now);
  const seen = snapshot.keys.map((k) => ({ key: k.key, rows: k.rows.filter((r) => instantMicros(r.attempted_at) <= nowUs) }));
  // Outputs matter only for keys with an override: a list of thousands of active keys, few of
  // them ever overridden, reads the output tables for those few (or not at all).
  const overridden = seen.filter((k) => k.rows.some((r) => eventOf(r) === "override")).map((k) => k.key);
  const processed = overridden.length ? await readProcessedAt(wh, overridden, now) : new Map<string, string>();
  return seen.map((k) => ({ ...k, outcomes: overrideOutcomes(k.rows, processed.get(keyString(k.key)) ?? null) }));
}

/**
 * Per key (`keyString`), every override among its rows with its outcome, in attempt order ([]
 * when never overridden). Which keys were ever overridden is asked first (one cheap query): only
 * their rows are read.
 */
export async function readOverrideOutcomes(wh: Warehouse, keys: readonly BreakerKeyRef[], now: string): Promise<Map<string, OverrideResultRow[]>> {
  const result = new Map<string, OverrideResultRow[]>(keys.map((k) => [keyString(k), []]));
  if (keys.length === 0) return result;
  const found = new Set((await overriddenKeys.run(wh, keyRowsFilter(keys))).map((r) => `${resolveProcessorName(r.processor) ?? r.processor}|${r.entity_id}|${r.analysis_date}`));
  const overridden = keys.filter((k) => found.has(keyString(k)));
  for (const k of await readKeyOutcomes(wh, overridden, now)) result.set(keyString(k.key), k.outcomes);
  return result;
}
