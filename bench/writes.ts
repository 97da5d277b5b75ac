/**
 * Bulk override at scale (lib/engine/breaker-writes.ts, lib/engine/bulk-selection.ts), on a copy
 * of a data set (the copy is deleted afterwards):
 *
 * - seeds tripped breakers with the engine's own rules: per key two failures and a trip
 *   (`nextAttemptRow`), tripped yesterday, so active now; keys are `player_daily_cache` for
 *   synthetic players (`benchkey00001`, …) on the 20 dates ending at the data set's last day;
 * - selection: `selectActiveKeys` with the bulk page's filter (date range, processor, entities);
 * - preview: `previewBulkOverride`; apply: `applyBulkOverride` with the preview's token (one
 *   guarded transaction, one audit record). 1,000 keys three times on distinct keys (median),
 *   10,000 keys once.
 */
import { copyFileSync, rmSync } from "node:fs";

import { type AttemptRow, deriveBreakerState, nextAttemptRow, withKey } from "@/lib/completeness/breaker";
import { type IsoDate, addDays, addDaysToInstant } from "@/lib/completeness/dates";
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { applyBulkOverride, previewBulkOverride } from "@/lib/engine/breaker-writes";
import { selectActiveKeys } from "@/lib/engine/bulk-selection";
import { appendAttempts } from "@/lib/queries/breakers";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";

import { type Timing, median, round, summarize, timed } from "./stats";

export interface BulkMeasure {
  keys: number;
  select: Timing;
  preview: Timing;
  apply: Timing;
  /** preview + apply, median of the sums. */
  total_ms: number;
  applied: number;
}

const DATES = 20;

function seedRows(keys: BreakerKeyRef[], now: string): AttemptRow[] {
  const rows: AttemptRow[] = [];
  const start = addDaysToInstant(now, -1);
  for (const key of keys) {
    const keyRows: AttemptRow[] = [];
    for (let i = 0; i < 3; i++) {
      const at = new Date(Date.parse(start) + i * 60_000).toISOString();
      const draft = nextAttemptRow(deriveBreakerState(keyRows, at), {
        now: at,
        completenessPct: 62.5,
        skipReason: "incomplete_upstream_data",
        ok: false,
        batchId: "bench-seed",
      });
      if (!draft) throw new Error("seeding: no attempt row");
      keyRows.push(withKey({ processor_name: key.processor, entity_id: key.entity_id, analysis_date: key.analysis_date }, draft));
    }
    rows.push(...keyRows);
  }
  return rows;
}

function keySet(prefix: string, entities: number, lastDate: IsoDate): BreakerKeyRef[] {
  const keys: BreakerKeyRef[] = [];
  for (let e = 0; e < entities; e++) {
    for (let d = 0; d < DATES; d++) {
      keys.push({ processor: "player_daily_cache", entity_id: `${prefix}${String(e).padStart(5, "0")}`, analysis_date: addDays(lastDate, -d) });
    }
  }
  return keys;
}

async function measureSet(wh: Warehouse, keys: BreakerKeyRef[], now: string, tag: string) {
  const entities = [...new Set(keys.map((k) => k.entity_id))];
  const dates = keys.map((k) => k.analysis_date).sort();
  const select = await timed(() =>
    selectActiveKeys(wh, { date_from: dates[0]!, date_to: dates.at(-1)!, processors: ["player_daily_cache"], entities }, now, CONSOLE_DEPLOYMENT),
  );
  if (select.value.length !== keys.length) throw new Error(`selection found ${select.value.length} of ${keys.length} keys`);
  const preview = await timed(() => previewBulkOverride(wh, select.value, now, CONSOLE_DEPLOYMENT));
  if (preview.value.changes.length !== keys.length) throw new Error(`preview: ${preview.value.changes.length} changes for ${keys.length} keys`);
  const apply = await timed(() =>
    applyBulkOverride(wh, select.value, preview.value.token, {
      actor: "bench.ops",
      role: "operator",
      reasonCode: "scraper_outage_backfilled",
      reason: "benchmark bulk override",
      requestId: `bench-bulk-${tag}`,
      now,
      deployment: CONSOLE_DEPLOYMENT,
    }),
  );
  if (!apply.value.ok) throw new Error(`apply failed: ${JSON.stringify(apply.value).slice(0, 300)}`);
  return { select: select.ms, preview: preview.ms, apply: apply.ms, applied: apply.value.data.changes.length };
}

export async function measureBulk(sourceDb: string, workDb: string, lastDate: IsoDate, reps: number): Promise<BulkMeasure[]> {
  rmSync(workDb, { force: true });
  rmSync(`${workDb}.wal`, { force: true });
  copyFileSync(sourceDb, workDb);
  const wh = createDuckDbWarehouse({ path: workDb, onOpen: applyEmbeddedSchema });
  try {
    const now = new Date().toISOString();
    const small = Array.from({ length: reps }, (_, i) => keySet(`benchkey${i}s`, 1_000 / DATES, lastDate));
    const big = keySet("benchkeyb", 10_000 / DATES, lastDate);
    const rows = seedRows([...small.flat(), ...big], now);
    await wh.transaction([appendAttempts.statement(rows)]);
    await wh.execute("CHECKPOINT");

    const out: BulkMeasure[] = [];
    const smallRuns = [];
    for (let i = 0; i < small.length; i++) smallRuns.push(await measureSet(wh, small[i]!, now, `small-${i}`));
    out.push(toMeasure(1_000, smallRuns));
    out.push(toMeasure(10_000, [await measureSet(wh, big, now, "big")]));
    return out;
  } finally {
    await wh.close();
    rmSync(workDb, { force: true });
    rmSync(`${workDb}.wal`, { force: true });
  }
}

function toMeasure(keys: number, runs: { select: number; preview: number; apply: number; applied: number }[]): BulkMeasure {
  return {
    keys,
    select: summarize(runs.map((r) => r.select)),
    preview: summarize(runs.map((r) => r.preview)),
    apply: summarize(runs.map((r) => r.apply)),
    total_ms: round(median(runs.map((r) => r.preview + r.apply))),
    applied: runs[0]!.applied,
  };
}
