import "server-only";

import { deriveBreakerState, eventOf, sortAttempts } from "@/lib/completeness/breaker";
import { type IsoDate, addDays, daysBetween, instantMicros } from "@/lib/completeness/dates";
import { PROCESSORS, resolveProcessorName } from "@/lib/completeness/processors";
import { attemptsBetween } from "@/lib/queries/breakers";
import { processorOutputsSql } from "@/lib/queries/processor-outputs";
import type { Warehouse } from "@/lib/warehouse/types";

import type { DemoPlan } from "./plan";

/**
 * Invariants a built demo database must hold, checked against the stored rows (not the
 * builder's memory), so a bug anywhere between the rules and the tables shows up:
 * 1. no stored completeness outside 0..100 (standard and window columns);
 * 2. every active breaker has at least three consecutive failures since its last override,
 *    reset or success;
 * 3. no key was skipped as breaker-active after an override of it;
 * 4. every processor has rows on every simulated night's date: daily processors every day,
 *    game-date processors every day with games;
 * 5. breakers are active at the end of the simulation, and recoveries happened.
 */
export interface VerifyReport {
  problems: string[];
  facts: {
    activeBreakers: number;
    recoveries: number;
    overrides: number;
    resets: number;
    outputRows: number;
  };
}

/**
 * `ranThrough`: the last night the build simulated (a build before that night's 04:30 UTC runs
 * are over stops a night short of `plan.simulateThrough`).
 */
export async function verifyDemoDatabase(wh: Warehouse, plan: DemoPlan, now: string, ranThrough: IsoDate = plan.simulateThrough): Promise<VerifyReport> {
  const problems: string[] = [];
  const range = { date_from: plan.seasonStart, date_to: plan.simulateThrough };
  const rangeTypes = { date_from: "DATE", date_to: "DATE" } as const;

  // 1. Percentages within 0..100.
  const outputs = processorOutputsSql({ columns: ["completeness_percentage", "processing_decision_reason"] });
  const [bounds] = await wh.query<{ low: number; high: number; n: number }>(
    `SELECT MIN(completeness_percentage) AS low, MAX(completeness_percentage) AS high, COUNT(*) AS n FROM (${outputs}) AS o`,
    { params: range, types: rangeTypes, label: "verify_bounds" },
  );
  if (bounds && (bounds.low < 0 || bounds.high > 100)) problems.push(`completeness outside 0..100: ${bounds.low}..${bounds.high}`);
  for (const def of PROCESSORS.filter((p) => p.multiWindow)) {
    for (const w of def.windows) {
      const col = `${w.id}_completeness_pct`;
      const [b] = await wh.query<{ low: number | null; high: number | null }>(
        `SELECT MIN(${col}) AS low, MAX(${col}) AS high FROM ${def.table} WHERE ${def.dateColumn} BETWEEN @date_from AND @date_to`,
        { params: range, types: rangeTypes, label: "verify_window_bounds" },
      );
      if (b && ((b.low ?? 0) < 0 || (b.high ?? 0) > 100)) problems.push(`${def.name}.${col} outside 0..100`);
    }
  }

  // 2 and 5. Breaker states from the stored rows.
  const rows = await attemptsBetween.run(wh, range);
  const byKey = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${resolveProcessorName(r.processor_name)}|${r.entity_id}|${r.analysis_date}`;
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  let active = 0;
  const overrideAt = new Map<string, string>();
  for (const [k, keyRows] of byKey) {
    const state = deriveBreakerState(keyRows, now);
    if (state.status === "active") {
      active++;
      let streak = 0;
      // The state at `now` is decided by the rows attempted at or before it (deriveBreakerState).
      for (const r of sortAttempts(keyRows.filter((row) => instantMicros(row.attempted_at) <= instantMicros(now)))) {
        const e = eventOf(r);
        if (e === "failure" || e === "trip") streak++;
        else streak = 0;
      }
      if (streak < 3) problems.push(`${k} is active with only ${streak} consecutive failures`);
    }
    const lastOverride = sortAttempts(keyRows).filter((r) => eventOf(r) === "override").at(-1);
    if (lastOverride) overrideAt.set(k, lastOverride.attempted_at);
  }
  const events = rows.map((r) => eventOf(r));
  const count = (e: string) => events.filter((x) => x === e).length;
  if (active === 0) problems.push("no breaker is active at the end of the simulation");
  if (count("recovery") === 0) problems.push("no recovery happened");

  // 3. No breaker-active skip after an override of the same key.
  const skips = await wh.query<{ processor: string; entity_id: string; date: string; processed_at: string }>(
    `SELECT processor, entity_id, date, processed_at FROM (${outputs}) AS o
     WHERE processing_decision_reason = 'skipped_circuit_breaker_active'`,
    { params: range, types: rangeTypes, label: "verify_skips" },
  );
  for (const s of skips) {
    const at = overrideAt.get(`${s.processor}|${s.entity_id}|${s.date}`);
    if (at && s.processed_at > at) problems.push(`${s.processor}/${s.entity_id}/${s.date} skipped as breaker-active after its override`);
  }

  // 4. Rows on every simulated date.
  const perDay = await wh.query<{ processor: string; date: string; n: number }>(
    `SELECT processor, date, COUNT(*) AS n FROM (${outputs}) AS o GROUP BY processor, date`,
    { params: range, types: rangeTypes, label: "verify_days" },
  );
  const have = new Set(perDay.map((r) => `${r.processor}|${r.date}`));
  const gameDays = new Set(
    (
      await wh.query<{ game_date: string }>(
        "SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_date BETWEEN @date_from AND @date_to",
        { params: range, types: rangeTypes, label: "verify_game_days" },
      )
    ).map((r) => r.game_date),
  );
  for (let d = 0; d <= daysBetween(plan.seasonStart, ranThrough); d++) {
    const date: IsoDate = addDays(plan.seasonStart, d);
    for (const def of PROCESSORS) {
      const needed = def.dateColumn !== "game_date" || gameDays.has(date);
      if (needed && !have.has(`${def.name}|${date}`)) problems.push(`${def.name} has no rows for ${date}`);
    }
  }

  return {
    problems,
    facts: {
      activeBreakers: active,
      recoveries: count("recovery"),
      overrides: count("override"),
      resets: count("reset"),
      outputRows: bounds?.n ?? 0,
    },
  };
}
