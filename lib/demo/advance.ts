import "server-only";

import { createHash } from "node:crypto";
import { basename } from "node:path";

import type { Role } from "@/lib/auth/roles";
import { type BreakerRowInput, type BreakerState, deriveBreakerState } from "@/lib/completeness/breaker";
import { type IsoDate, addDays, instantMicros, toPreciseInstant } from "@/lib/completeness/dates";
import type { Deployment } from "@/lib/completeness/deployment";
import { type ProcessorName, resolveProcessorName } from "@/lib/completeness/processors";
import type { KeyChange } from "@/lib/breakers/changes";
import { auditRecord, summarize } from "@/lib/engine/breaker-writes";
import { type EntityOutcome, runProcessor } from "@/lib/engine/run-processor";
import { attemptsBetween } from "@/lib/queries/breakers";
import { upstreamLanded } from "@/lib/queries/demo";
import type { Warehouse } from "@/lib/warehouse/types";

import { NIGHT_STAGES, RETRY_HORIZON_DAYS, insertUpstream, retriedOn, retryDueAfter, retryPass } from "./build";
import { type DemoMetadata, readDemoMetadata, writeDemoMetadata } from "./metadata";
import type { DemoPlan } from "./plan";
import type { AdvanceProcessorCounts, AdvanceResult, AdvancedKey, RetryReason, RetryResult } from "./schemas";
import { type SimulatedSeason, generateSeason } from "./season";

/**
 * One more pipeline pass on the console-profile demo, at a moment after its build: nothing runs
 * on the demo database by itself, so without this an override made on the demo stays `pending`
 * forever. The pass is what the nightly build's orchestrator does between nights, applied to the
 * stored rows:
 *
 * 1. the simulated upstream rows whose arrival time has passed land (late box scores, an
 *    outage's backfill): the season is regenerated from the plan in `.demo.json` (deterministic
 *    for its seed) and every row stamped after what each table already holds, up to now, is
 *    inserted;
 * 2. per processor, in the night's dependency order, the retry pass over the keys due now —
 *    overridden since their last attempt, half-open (cooldown over), failing a day after their
 *    last failure — of the dates the orchestrator still retries, through the engine
 *    (`runProcessor`) with the deployment in force;
 * 3. one `demo_advance` audit record listing every attempt row the pass appended.
 *
 * The pass runs at the wall clock, never before the latest row it read (nor the build or the
 * last pass), so nothing it writes sorts before what is stored. Advancing again at the same
 * moment writes nothing: every key it ran has an attempt at that moment and is not due again.
 */

export interface AdvanceOptions {
  deployment: Deployment;
  /** Who asked (the audit record's actor and role). */
  actor: { name: string; role: Role };
  /** The wall clock (default: now); the pass runs at it or at the latest stored row, whichever is later. */
  now?: string;
}

/**
 * Why the orchestrator retries a key now, from its state at `now`; null when it does not: an
 * active breaker waits for its cooldown, a closed key has nothing to retry unless an override
 * came after its last attempt.
 */
export function retryReason(state: BreakerState, now: string): RetryReason | null {
  switch (state.status) {
    case "closed":
      return state.lastEvent === "override" ? "override" : null;
    case "half_open":
      return "half_open";
    case "active":
      return null;
    case "failing": {
      const due = retryDueAfter({ at: state.lastAttemptAt!, failed: true, tripped: false, until: null });
      return due !== null && instantMicros(due) <= instantMicros(now) ? "failing" : null;
    }
  }
}

function latestInstant(values: readonly (string | null | undefined)[]): string {
  let best: string | null = null;
  for (const v of values) if (v && (best === null || instantMicros(v) > instantMicros(best))) best = v;
  return toPreciseInstant(best!);
}

// The season is regenerated from its plan (a second or two for a full season): kept for the
// plan last used, so repeated passes on one running console pay for it once.
let seasonCache: { key: string; season: SimulatedSeason } | null = null;
function seasonOf(plan: DemoPlan): SimulatedSeason {
  const key = JSON.stringify([plan.seed, plan.seasonStart, plan.seasonYear, plan.simulateThrough]);
  if (seasonCache?.key !== key) {
    seasonCache = {
      key,
      season: generateSeason({ seed: plan.seed, seasonStart: plan.seasonStart, seasonYear: plan.seasonYear, simulateThrough: plan.simulateThrough }),
    };
  }
  return seasonCache.season;
}

/** Land the simulated upstream rows stamped after what each table holds and at or before `now`. */
async function landUpstream(wh: Warehouse, plan: DemoPlan, now: string): Promise<Record<string, number>> {
  const season = seasonOf(plan);
  const landed = await upstreamLanded.run(wh, { date_from: plan.seasonStart, date_to: plan.simulateThrough });
  const through = new Map(landed.map((r) => [r.table_name, r.landed_through]));
  const nowUs = instantMicros(now);
  const arrived = <T extends { processed_at: string }>(table: string, rows: readonly T[]): T[] => {
    const after = through.get(table);
    const afterUs = after ? instantMicros(after) : Number.NEGATIVE_INFINITY;
    return rows.filter((r) => {
      const at = instantMicros(r.processed_at);
      return at > afterUs && at <= nowUs;
    });
  };
  const counts = await insertUpstream(wh, {
    // The schedule is whole from the build on; only box scores arrive later.
    schedule: [],
    playerGameSummary: arrived("nba_analytics.player_game_summary", season.playerGameSummary),
    teamDefenseGameSummary: arrived("nba_analytics.team_defense_game_summary", season.teamDefenseGameSummary),
    bdlPlayerBoxscores: arrived("nba_raw.bdl_player_boxscores", season.bdlPlayerBoxscores),
  });
  const { "nba_raw.nbac_schedule": _schedule, ...boxScores } = counts;
  return boxScores;
}

function resultOf(o: Pick<EntityOutcome, "decision" | "attempt">): RetryResult {
  if (!o.decision.countsAsFailure) return "processed";
  return o.attempt?.circuit_breaker_tripped ? "re_tripped" : "failed";
}

/** The pass on a database whose plan is `plan` (see the top of the file). Writes; returns what it ran. */
export async function advanceDemoDatabase(wh: Warehouse, meta: Pick<DemoMetadata, "plan" | "builtAt" | "advancedAt">, options: AdvanceOptions): Promise<AdvanceResult> {
  const wall = options.now ?? new Date().toISOString();
  const tonight = addDays(wall.slice(0, 10), -1);
  const rows = await attemptsBetween.run(wh, { date_from: addDays(tonight, -RETRY_HORIZON_DAYS), date_to: tonight });
  const landedBefore = await upstreamLanded.run(wh, { date_from: meta.plan.seasonStart, date_to: meta.plan.simulateThrough });
  const now = latestInstant([wall, meta.advancedAt ?? meta.builtAt, ...rows.map((r) => r.attempted_at), ...landedBefore.map((r) => r.landed_through)]);

  const landed = await landUpstream(wh, meta.plan, now);

  // Every key's rows, under its canonical processor (old rows may carry an alias).
  const byKey = new Map<string, { processor: ProcessorName; entity: string; date: IsoDate; rows: BreakerRowInput[] }>();
  for (const r of rows) {
    const processor = resolveProcessorName(r.processor_name);
    if (!processor) continue;
    const id = `${processor}|${r.entity_id}|${r.analysis_date}`;
    const key = byKey.get(id) ?? { processor, entity: r.entity_id, date: r.analysis_date, rows: [] };
    key.rows.push(r);
    byKey.set(id, key);
  }
  const due = new Map<ProcessorName, Map<IsoDate, string[]>>();
  const reasons = new Map<string, RetryReason>();
  const ordered = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [id, key] of ordered) {
    if (!retriedOn(key.date, tonight)) continue;
    const reason = retryReason(deriveBreakerState(key.rows, now), now);
    if (!reason) continue;
    reasons.set(id, reason);
    const dates = due.get(key.processor) ?? new Map<IsoDate, string[]>();
    dates.set(key.date, [...(dates.get(key.date) ?? []), key.entity]);
    due.set(key.processor, dates);
  }

  const keys: AdvancedKey[] = [];
  const changes: KeyChange[] = [];
  const processors: AdvanceProcessorCounts[] = [];
  for (const stage of NIGHT_STAGES) {
    const done = await Promise.all(
      stage.map(async (processor) => {
        const runs = await retryPass(wh, runProcessor, {
          processor,
          due: new Map([...(due.get(processor) ?? new Map<IsoDate, string[]>())].sort(([a], [b]) => (a < b ? -1 : 1))),
          now,
          calendar: meta.plan.calendar,
          runId: `demo-advance-${now}-${processor}`,
          deployment: options.deployment,
        });
        return { processor, runs };
      }),
    );
    for (const { processor, runs } of done) {
      const counts: AdvanceProcessorCounts = { processor, attempted: 0, processed: 0, failed: 0, re_tripped: 0 };
      for (const run of runs) {
        for (const o of run.outcomes) {
          const result = resultOf(o);
          counts.attempted++;
          counts[result]++;
          keys.push({ processor, entity_id: o.entity, analysis_date: run.date, due: reasons.get(`${processor}|${o.entity}|${run.date}`)!, result });
          if (o.attempt) changes.push({ processor, entity_id: o.entity, analysis_date: run.date, before: summarize(o.breaker), after: summarize(o.after) });
        }
      }
      processors.push(counts);
    }
  }

  const landedRows = Object.values(landed).reduce((a, b) => a + b, 0);
  if (keys.length > 0 || landedRows > 0) {
    const retried = processors.reduce((n, p) => ({ processed: n.processed + p.processed, failed: n.failed + p.failed, re_tripped: n.re_tripped + p.re_tripped }), { processed: 0, failed: 0, re_tripped: 0 });
    const reason =
      `Simulated pipeline pass on the demo database at ${now}: ${keys.length} key(s) retried ` +
      `(${retried.processed} processed, ${retried.failed} failed, ${retried.re_tripped} re-tripped), ${landedRows} upstream row(s) landed`;
    const fingerprint = createHash("sha256").update(JSON.stringify(["demo_advance", options.actor.name, now])).digest("hex");
    await wh.transaction(
      [auditRecord({ action: "demo_advance", actor: options.actor.name, role: options.actor.role, requestId: `demo-advance:${now}`, reasonCode: null, reason, now, changes, fingerprint })],
      { label: "demo_advance_audit" },
    );
  }
  return { now, landed, processors, keys };
}

export type AdvanceOutcome = { ok: true; result: AdvanceResult } | { ok: false; code: "not_found" | "conflict"; message: string };

// One pass at a time per process: two concurrent passes would both find the same keys due.
// (The embedded database has one owner process: the console, or the script holding its lock.)
let running: Promise<unknown> = Promise.resolve();

/**
 * The pass on the embedded demo database at `dbPath`, then its `.demo.json` records the moment
 * (`advancedAt`). Refused for a database the demo tooling did not build (no `.demo.json`) and for
 * the `original` profile, whose processors exist only inside its build's in-memory simulation.
 */
export function advanceEmbeddedDemo(wh: Warehouse, dbPath: string, options: AdvanceOptions): Promise<AdvanceOutcome> {
  const next = running.then(async (): Promise<AdvanceOutcome> => {
    const meta = readDemoMetadata(dbPath);
    if (!meta) return { ok: false, code: "not_found", message: `The embedded database ${basename(dbPath)} is not a demo database (no ${basename(dbPath)}.demo.json beside it): nothing is simulated on it.` };
    if ((meta.plan.profile ?? "console") !== "console") {
      return {
        ok: false,
        code: "conflict",
        message: "The original profile cannot be advanced: its Python processors are simulated in memory during the build only. Rebuild it (npm run demo:rebuild -- --profile original) for a later moment.",
      };
    }
    const result = await advanceDemoDatabase(wh, meta, options);
    writeDemoMetadata(dbPath, { ...meta, advancedAt: result.now });
    return { ok: true, result };
  });
  running = next.catch(() => undefined);
  return next;
}
