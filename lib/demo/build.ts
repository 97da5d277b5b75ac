import "server-only";

import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { applyBulkOverride, overrideBreaker, previewBulkOverride, readKeys, resetBreaker } from "@/lib/engine/breaker-writes";
import { type EntityOutcome, type RunOptions, evaluateProcessorRun, readSharedWindowGames, runStatements } from "@/lib/engine/run-processor";
import { type AttemptRow, BREAKER_COOLDOWN_DAYS, type BreakerRowInput } from "@/lib/completeness/breaker";
import { type IsoDate, addDays, addDaysToInstant, daysBetween } from "@/lib/completeness/dates";
import { CONSOLE_DEPLOYMENT, type Deployment } from "@/lib/completeness/deployment";
import { type ProcessorName, getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import type { Decision } from "@/lib/completeness/readiness";
import { keyRows, trippedKeys } from "@/lib/queries/breakers";
import { teamGameKey } from "@/lib/completeness/windows";
import { appendBdlBoxscores, appendPlayerGameSummary, appendSchedule, appendTeamDefenseGameSummary } from "@/lib/queries/upstream";
import { type InsertStatement, type Statement, type Warehouse, isInsert } from "@/lib/warehouse/types";

import { selectActiveKeys } from "@/lib/engine/bulk-selection";

import { type FailureCause, type MorningVerdict, type RecordedFailure, causingFaults, failureFaults, faultRegistry, keyFault, morningVerdict } from "./faults";
import type { DemoPlan } from "./plan";
import { type SimulatedSeason, generateSeason } from "./season";

/**
 * Fill the embedded database with a simulated season by running the REAL engine over it, night
 * by night, as the pipeline's orchestrator would: every processor for tonight's date, in
 * dependency order, plus retries of keys that failed (the next night) or tripped (when their
 * cooldown ends). Demo operators act through the same library functions the console uses: a
 * bulk override after the December outage is backfilled, a single override of a late box
 * score, and a reset. Deterministic for a plan (seed, season, end date).
 */

/**
 * A night in stages: processors of a stage are independent and run concurrently (their reads
 * share the embedded database's connection pool; writes are serialized by the adapter);
 * cascade processors run after the stage that holds their upstreams.
 */
export const NIGHT_STAGES: readonly (readonly ProcessorName[])[] = [
  [
    "team_defense_zone_analysis",
    "player_shot_zone_analysis",
    "player_daily_cache",
    "upcoming_player_game_context",
    "upcoming_team_game_context",
  ],
  ["player_composite_factors"],
  ["ml_feature_store"],
];
const NIGHT_ORDER = NIGHT_STAGES.flat();

/**
 * Processors of a night whose window games are one read: measured on the same upstream table for
 * the same kind of entity (the player processors on player_game_summary). The night's runs see
 * the upstream as it stood when the night began (`observedAt`), so they can share it.
 */
const SHARED_WINDOW_READS: readonly (readonly ProcessorName[])[] = (() => {
  const groups = new Map<string, ProcessorName[]>();
  for (const p of NIGHT_ORDER) {
    const { entityKind, upstream } = getProcessor(p);
    groups.set(`${entityKind}|${upstream.table}`, [...(groups.get(`${entityKind}|${upstream.table}`) ?? []), p]);
  }
  return [...groups.values()].filter((group) => group.length > 1);
})();

/** Failed keys older than this are no longer retried by the orchestrator. */
export const RETRY_HORIZON_DAYS = 21;
/** A key that failed without tripping is retried the next night: a day after its failure. */
const FAILED_RETRY_AFTER_DAYS = 1;

export const DEMO_OPERATORS = {
  bulk: { actor: "maria.ops", role: "operator" as const },
  single: { actor: "jordan.oncall", role: "operator" as const },
  reset: { actor: "dana.admin", role: "admin" as const },
};

export interface BuildProgress {
  day: number;
  days: number;
  date: IsoDate;
}

export interface BuildSummary {
  nights: number;
  runs: number;
  reads: number;
  outputRows: number;
  attemptRows: number;
  operatorActions: string[];
  upstreamRows: Record<string, number>;
  /**
   * The ground truth for incidents: every failure the runs recorded, with the faults of the
   * season that caused it (lib/demo/faults.ts). Kept only with the in-process engine (whose
   * outcomes carry the windows); not written to the demo metadata.
   */
  failureCauses: FailureCause[];
  /**
   * The morning the build ends on: every breaker active at build time, by what it is
   * (`morningVerdict`: recovered, still missing data, cascade waiting), judged from the runs'
   * own failure counts and the season's landing times, not by the console's reads. Kept only
   * with the in-process engine; written to the demo metadata.
   */
  morning?: MorningTruth;
}

/** The active breakers of the demo's morning, by verdict (keys under canonical processor names). */
export interface MorningTruth {
  note: string;
  recovered: BreakerKeyRef[];
  stillMissing: BreakerKeyRef[];
  cascadeWaiting: BreakerKeyRef[];
  /** Active keys whose failure the build did not record (always 0 with the in-process engine). */
  unjudged: number;
}

/** When the nightly run for `date` happens: 11 PM US/Eastern that night, 5 minutes apart per processor. */
function runTime(date: IsoDate, order: number): string {
  const minutes = String(order * 5).padStart(2, "0");
  return `${addDays(date, 1)}T04:${minutes}:00.000Z`;
}

interface Retry {
  processor: ProcessorName;
  date: IsoDate;
  entity: string;
  dueAt: string;
}

/**
 * When the orchestrator retries a key after an attempt: a tripped key when its cooldown ends, a
 * key that failed without tripping the next night, a success never. (An operator's override or
 * reset makes its key due at once.)
 */
export function retryDueAfter(attempt: { at: string; failed: boolean; tripped: boolean; until: string | null }): string | null {
  if (attempt.tripped) return attempt.until ?? addDaysToInstant(attempt.at, BREAKER_COOLDOWN_DAYS);
  return attempt.failed ? addDaysToInstant(attempt.at, FAILED_RETRY_AFTER_DAYS) : null;
}

/**
 * Whether the orchestrator's pass on the night of `tonight` retries a key of `date`: not tonight's
 * own keys (the nightly run covers them), nor keys older than the retry horizon.
 */
export function retriedOn(date: IsoDate, tonight: IsoDate): boolean {
  return date !== tonight && daysBetween(date, tonight) <= RETRY_HORIZON_DAYS;
}

/**
 * Every breaker row of the build's keys, by key: the rows its own runs appended, and the rows of
 * a key an operator wrote (an override appends one, a reset deletes them) read back once after
 * the operator's morning (`reread`). A retry decides on them instead of reading its keys again.
 */
class BreakerRowLog {
  private rows = new Map<string, BreakerRowInput[]>();
  /** Keys an operator wrote since the last `reread`. */
  private written = new Map<string, BreakerKeyRef>();
  private static key = (processor: ProcessorName, date: IsoDate, entity: string) => `${processor}|${date}|${entity}`;
  note(processor: ProcessorName, date: IsoDate, row: AttemptRow): void {
    const k = BreakerRowLog.key(processor, date, row.entity_id);
    const list = this.rows.get(k);
    if (list) list.push(row);
    else this.rows.set(k, [row]);
  }
  operatorWrote(key: BreakerKeyRef): void {
    const k = BreakerRowLog.key(key.processor, key.analysis_date, key.entity_id);
    this.rows.delete(k);
    this.written.set(k, key);
  }
  /** Reads the rows of the keys operators wrote: one read per processor. */
  async reread(wh: Warehouse): Promise<number> {
    const byProcessor = new Map<ProcessorName, BreakerKeyRef[]>();
    for (const key of this.written.values()) byProcessor.set(key.processor, [...(byProcessor.get(key.processor) ?? []), key]);
    this.written.clear();
    for (const [processor, keys] of byProcessor) {
      const def = getProcessor(processor);
      const dates = keys.map((k) => k.analysis_date).sort();
      const rows = await keyRows.run(wh, {
        processor_names: [def.name, ...def.aliases],
        date_from: dates[0]!,
        date_to: dates.at(-1)!,
        entity_ids: [...new Set(keys.map((k) => k.entity_id))],
      });
      const wanted = new Set(keys.map((k) => BreakerRowLog.key(processor, k.analysis_date, k.entity_id)));
      for (const k of wanted) this.rows.set(k, []);
      for (const r of rows) this.rows.get(BreakerRowLog.key(processor, r.analysis_date, r.entity_id))?.push(r);
    }
    return byProcessor.size;
  }
  /** The rows of a run's keys, by entity (a key without rows has an empty list). */
  rowsOf(processor: ProcessorName, date: IsoDate, entities: readonly string[]): Map<string, BreakerRowInput[]> {
    return new Map(entities.map((entity) => [entity, this.rows.get(BreakerRowLog.key(processor, date, entity)) ?? []]));
  }
}

class RetryQueue {
  private items = new Map<string, Retry>();
  add(r: Retry) {
    this.items.set(`${r.processor}|${r.entity}|${r.date}`, r);
  }
  /** Due retries for a processor at `now`, grouped by date; removed from the queue. */
  take(processor: ProcessorName, now: string, tonight: IsoDate): Map<IsoDate, string[]> {
    const byDate = new Map<IsoDate, string[]>();
    for (const [k, r] of this.items) {
      if (r.processor !== processor || r.dueAt > now) continue;
      this.items.delete(k);
      if (!retriedOn(r.date, tonight)) continue;
      byDate.set(r.date, [...(byDate.get(r.date) ?? []), r.entity]);
    }
    return byDate;
  }
}

/**
 * The orchestrator's retry pass for one processor at `now`: one run per date over the keys due
 * (without tonight's rosters: a retry knows only the key), in the order given. The nightly build
 * takes the due keys from its queue; `npm run demo:advance` derives them from the stored rows.
 */
export async function retryPass<R extends RunRecord>(
  wh: Warehouse,
  run: (wh: Warehouse, opts: RunOptions) => Promise<R>,
  pass: {
    processor: ProcessorName;
    due: ReadonlyMap<IsoDate, readonly string[]>;
    now: string;
    calendar: RunOptions["calendar"];
    runId: string;
    deployment: Deployment;
    /** The breaker rows of a date's keys, when the caller holds them (else the run reads them). */
    rowsOf?: (date: IsoDate, entities: readonly string[]) => RunOptions["breakerRows"];
    /** The upstream snapshot the runs read (default: `now`), and a date's window games read from it, when the caller read them. */
    observedAt?: string;
    windowGamesOf?: (date: IsoDate) => RunOptions["windowGames"];
  },
): Promise<R[]> {
  const records: R[] = [];
  for (const [date, entities] of pass.due) {
    const opts = {
      processor: pass.processor, date, entities, now: pass.now, calendar: pass.calendar, runId: `${pass.runId}-retry`, deployment: pass.deployment,
      breakerRows: pass.rowsOf?.(date, entities),
      observedAt: pass.observedAt,
      windowGames: pass.windowGamesOf?.(date),
    };
    records.push(await run(wh, opts));
  }
  return records;
}

function teamsOf(season: SimulatedSeason, players: readonly string[], date: IsoDate): Record<string, string> {
  return Object.fromEntries(players.flatMap((p) => {
    const team = season.teamOf(p, date);
    return team ? [[p, team]] : [];
  }));
}

function entitiesFor(season: SimulatedSeason, processor: ProcessorName, date: IsoDate, playingTeams: string[]): string[] {
  const def = getProcessor(processor);
  if (def.entityKind === "team") return season.teams;
  if (def.entityKind === "team_game") return playingTeams.map((t) => teamGameKey(t, date));
  // Daily player processors cover every rostered player; game-date processors the players of
  // the teams playing that day.
  const teams = def.dateColumn === "game_date" ? playingTeams : season.teams;
  return teams.flatMap((t) => season.rosterOn(date, t));
}

/**
 * Insert a simulated season's upstream tables (schedule and box scores) in one transaction;
 * returns their row counts. Box-score rows that land after `now` (late ones, backfills still to
 * come) are left out: the database never holds an event after the moment it was built.
 */
export async function insertUpstream(
  wh: Warehouse,
  season: Pick<SimulatedSeason, "schedule" | "playerGameSummary" | "teamDefenseGameSummary" | "bdlPlayerBoxscores">,
  now?: string,
): Promise<Record<string, number>> {
  const landed = <T extends { processed_at: string }>(rows: readonly T[]) => (now === undefined ? rows : rows.filter((r) => r.processed_at <= now));
  const pgs = landed(season.playerGameSummary);
  const tdgs = landed(season.teamDefenseGameSummary);
  const bdl = landed(season.bdlPlayerBoxscores);
  await wh.transaction([
    appendSchedule.statement(season.schedule),
    appendPlayerGameSummary.statement(pgs),
    appendTeamDefenseGameSummary.statement(tdgs),
    appendBdlBoxscores.statement(bdl),
  ]);
  return {
    "nba_raw.nbac_schedule": season.schedule.length,
    "nba_analytics.player_game_summary": pgs.length,
    "nba_analytics.team_defense_game_summary": tdgs.length,
    "nba_raw.bdl_player_boxscores": bdl.length,
  };
}

/**
 * What the build keeps of a processor run: how many reads it made and, per entity, the attempt
 * it appended (if any) and whether that attempt was a failure — the retry queue's input. A
 * `ProcessorRun` is one; so is what a run through the check service reports back.
 */
export interface RunRecord {
  processor: ProcessorName;
  date: IsoDate;
  reads: number;
  outcomes: readonly {
    entity: string;
    decision: Pick<Decision, "countsAsFailure">;
    attempt: Pick<AttemptRow, "circuit_breaker_tripped" | "circuit_breaker_until"> | null;
  }[];
}

/** Runs one processor for a date and records it: the in-process engine by default. */
export type ProcessorRunner = (wh: Warehouse, opts: RunOptions) => Promise<RunRecord>;

export interface BuildOptions {
  /**
   * The moment the database is built (default: the wall clock). Nothing after it is simulated:
   * the nightly runs at date+1 04:00–04:30 UTC and the operators' actions at 15:30 UTC happen
   * only when they are over by then, and no upstream row lands later.
   */
  now?: string;
  /**
   * How each processor run (and each retry) is made and recorded (default: the in-process engine,
   * `stagedEngine`). A test replays nights through the check service's HTTP routes with its own.
   */
  runner?: ProcessorRunner;
}

/** The keys of tonight's nightly run have no breaker rows yet: it is the first run of its date. */
const NO_BREAKER_ROWS: ReadonlyMap<string, never[]> = new Map();

/**
 * The in-process engine with its writes gathered per stage of a night: each run is evaluated
 * (`evaluateProcessorRun`, what `runProcessor` does before its write) and its output and attempt
 * rows wait for `flush`, which appends every run of the stage in one transaction, a table's rows
 * in one appender chunk. A stage's runs never read each other's rows — they run concurrently,
 * each reads its own processor's keys and the upstream's — and the next stage, which reads their
 * outputs (cascade readiness), starts after the flush. 1,673 runs made 1,673 transactions.
 */
function stagedEngine() {
  let pending: Statement[] = [];
  return {
    run: async (wh: Warehouse, opts: RunOptions): Promise<RunRecord> => {
      const run = await evaluateProcessorRun(wh, opts);
      if (run.outcomes.length) pending.push(...runStatements(run));
      return run;
    },
    async flush(wh: Warehouse): Promise<void> {
      if (pending.length === 0) return;
      const statements = mergeInserts(pending);
      pending = [];
      await wh.transaction(statements, { label: "demo_stage" });
    },
  };
}

/** Inserts into the same table with the same columns, as one statement (order of first appearance). */
function mergeInserts(statements: readonly Statement[]): Statement[] {
  const merged: Statement[] = [];
  const byTarget = new Map<string, InsertStatement & { rows: object[] }>();
  for (const s of statements) {
    if (!isInsert(s)) {
      merged.push(s);
      continue;
    }
    const target = `${s.insert}|${JSON.stringify(s.columns)}`;
    const into = byTarget.get(target);
    if (into) into.rows.push(...s.rows);
    else {
      const copy = { ...s, rows: [...s.rows] };
      byTarget.set(target, copy);
      merged.push(copy);
    }
  }
  return merged;
}

export async function buildDemoDatabase(
  wh: Warehouse,
  plan: DemoPlan,
  onProgress: (p: BuildProgress) => void = () => {},
  options: BuildOptions = {},
): Promise<BuildSummary> {
  const buildNow = options.now ?? new Date().toISOString();
  const engine = options.runner ? null : stagedEngine();
  const run: ProcessorRunner = options.runner ?? engine!.run;
  const season = generateSeason({
    seed: plan.seed,
    seasonStart: plan.seasonStart,
    seasonYear: plan.seasonYear,
    simulateThrough: plan.simulateThrough,
  });
  const upstreamRows = await insertUpstream(wh, season, buildNow);

  const teamsByDate = new Map<IsoDate, string[]>();
  for (const g of season.schedule) {
    teamsByDate.set(g.game_date, [...(teamsByDate.get(g.game_date) ?? []), g.home_team_tricode, g.away_team_tricode]);
  }

  const summary: BuildSummary = { nights: 0, runs: 0, reads: 0, outputRows: 0, attemptRows: 0, operatorActions: [], upstreamRows, failureCauses: [] };
  const registry = faultRegistry(season.faults);
  const queue = new RetryQueue();
  // With the in-process engine every attempt's row is in its outcome: retries need not read them back.
  const rowLog = engine ? new BreakerRowLog() : null;
  const operator = operatorScript(season, plan, (key, dueAt) => {
    queue.add({ processor: key.processor, date: key.analysis_date, entity: key.entity_id, dueAt });
    rowLog?.operatorWrote(key);
  });
  const days = daysBetween(plan.seasonStart, plan.simulateThrough) + 1;
  const morning = morningRecorder(season, registry, plan.simulateThrough);

  const record = (done: RunRecord, now: string) => {
    summary.runs++;
    summary.reads += done.reads;
    summary.outputRows += done.outcomes.length;
    for (const o of done.outcomes) {
      if (isEngineOutcome(o)) morning.observe(done, o);
      if (!o.attempt) continue;
      if (rowLog && isEngineOutcome(o)) rowLog.note(done.processor, done.date, o.attempt);
      summary.attemptRows++;
      if (o.decision.countsAsFailure && isEngineOutcome(o)) summary.failureCauses.push(failureCause(done, o, registry));
      const dueAt = retryDueAfter({ at: now, failed: o.decision.countsAsFailure, tripped: o.attempt.circuit_breaker_tripped, until: o.attempt.circuit_breaker_until });
      if (dueAt) queue.add({ processor: done.processor, date: done.date, entity: o.entity, dueAt });
    }
  };

  for (let day = 0; day < days; day++) {
    const date = addDays(plan.seasonStart, day);
    const playing = teamsByDate.get(date) ?? [];
    // A night whose last run is not over by build time has not happened yet (nor anything after it).
    if (runTime(date, NIGHT_ORDER.length - 1) > buildNow) break;
    // The night's runs, its retries included, read the upstream as it stood when the night began.
    const observedAt = runTime(date, 0);
    // Tonight's retries: the keys due by each processor's run time (a key the night's runs fail
    // or trip is due tomorrow at the earliest).
    const due = new Map(NIGHT_ORDER.map((p) => [p, queue.take(p, runTime(date, NIGHT_ORDER.indexOf(p)), date)]));
    // Window games by processor and date: one read per group and date, for the nightly run's
    // entities and the retried keys of every processor of the group.
    const shared = new Map<string, RunOptions["windowGames"]>();
    if (engine) {
      for (const group of SHARED_WINDOW_READS) {
        const byDate = new Map<IsoDate, Set<string>>([[date, new Set(group.flatMap((p) => entitiesFor(season, p, date, playing)))]]);
        for (const p of group) for (const [d, entities] of due.get(p)!) byDate.set(d, new Set([...(byDate.get(d) ?? []), ...entities]));
        for (const [d, entities] of byDate) {
          const games = await readSharedWindowGames(wh, group, { date: d, entities: [...entities], observedAt, calendar: plan.calendar });
          summary.reads++;
          for (const p of group) shared.set(`${p}|${d}`, games);
        }
      }
    }
    for (const stage of NIGHT_STAGES) {
      await Promise.all(
        stage.map(async (processor) => {
          const now = runTime(date, NIGHT_ORDER.indexOf(processor));
          const runId = `demo-${date}-${processor}`;
          const entities = entitiesFor(season, processor, date, playing);
          // The orchestrator knows tonight's rosters (the props feed): the team of each player.
          const teams = getProcessor(processor).entityKind === "player" ? teamsOf(season, entities, date) : undefined;
          const nightly = {
            processor, date, entities, now, observedAt, calendar: plan.calendar, runId, teams, deployment: CONSOLE_DEPLOYMENT,
            breakerRows: NO_BREAKER_ROWS, windowGames: shared.get(`${processor}|${date}`),
          };
          record(await run(wh, nightly), now);
          const rowsOf = rowLog ? (d: IsoDate, entities: readonly string[]) => rowLog.rowsOf(processor, d, entities) : undefined;
          const windowGamesOf = (d: IsoDate) => shared.get(`${processor}|${d}`);
          const pass = { processor, due: due.get(processor)!, now, observedAt, calendar: plan.calendar, runId, deployment: CONSOLE_DEPLOYMENT, rowsOf, windowGamesOf };
          for (const done of await retryPass(wh, run, pass)) record(done, now);
        }),
      );
      await engine?.flush(wh);
    }
    const actions = await operator(wh, date, buildNow);
    if (rowLog) summary.reads += await rowLog.reread(wh);
    summary.operatorActions.push(...actions);
    summary.nights++;
    onProgress({ day: day + 1, days, date });
  }
  // reprocess_attempts.created_at is the insert's CURRENT_TIMESTAMP: the wall clock of this
  // build, not the night the row stands for. A pipeline inserts its attempt as it makes it, so
  // the row was created when it was attempted.
  await wh.execute(
    "UPDATE nba_orchestration.reprocess_attempts SET created_at = attempted_at WHERE analysis_date BETWEEN @date_from AND @date_to AND created_at > attempted_at",
    { params: { date_from: plan.seasonStart, date_to: plan.simulateThrough }, types: { date_from: "DATE", date_to: "DATE" }, label: "demo_created_at" },
  );
  if (!options.runner) {
    // Only keys of the horizon's dates can be active (the full-season build test checks the
    // count against every active breaker): reading the whole season's tripped keys cost seconds.
    const from = addDays(plan.simulateThrough, -MORNING_HORIZON_DAYS);
    summary.morning = await morning.judge(wh, from > plan.seasonStart ? from : plan.seasonStart, plan.simulateThrough, buildNow);
  }
  return summary;
}

/**
 * Active breakers can only be keys that tripped in the last cooldown, and the orchestrator
 * retries (so trips) only keys within its horizon: older failures need not be kept.
 */
const MORNING_HORIZON_DAYS = RETRY_HORIZON_DAYS + BREAKER_COOLDOWN_DAYS + 7;

/**
 * Keeps, per key of the last weeks, its latest failure (windows with when each missing game
 * lands, and the upstream keys it waits for) and whether its latest output row is production
 * ready — then judges every breaker active at build time (`morningVerdict`).
 */
function morningRecorder(season: SimulatedSeason, registry: ReturnType<typeof faultRegistry>, simulateThrough: IsoDate) {
  // When each game's rows have all landed, per upstream table (rows landing after the build are
  // still known to the season; they count as landed only once their time has passed).
  const landedAt = new Map<string, string>();
  const note = (table: string, rows: readonly { game_id: string; processed_at: string }[]) => {
    for (const r of rows) {
      const k = `${table}|${r.game_id}`;
      const at = landedAt.get(k);
      if (at === undefined || r.processed_at > at) landedAt.set(k, r.processed_at);
    }
  };
  note("nba_analytics.player_game_summary", season.playerGameSummary);
  note("nba_analytics.team_defense_game_summary", season.teamDefenseGameSummary);
  note("nba_raw.bdl_player_boxscores", season.bdlPlayerBoxscores);
  const failures = new Map<string, RecordedFailure>();
  const outputReady = new Map<string, boolean>();
  const keyOf = (p: ProcessorName, entity: string, date: IsoDate) => `${p}|${entity}|${date}`;

  return {
    observe(run: RunRecord, o: EntityOutcome) {
      if (daysBetween(run.date, simulateThrough) > MORNING_HORIZON_DAYS) return;
      const key = keyOf(run.processor, o.entity, run.date);
      outputReady.set(key, o.output.is_production_ready === true);
      if (!o.decision.countsAsFailure) return;
      const def = getProcessor(run.processor);
      const byGame = new Map(o.games.map((g) => [g.game_id, g]));
      // A player's game lands with his team's box score and his own row (the raw box score first).
      const tables = def.entityKind === "player" ? [def.upstream.table, "nba_raw.bdl_player_boxscores"] : [def.upstream.table];
      const landsAt = (gameId: string): string | null => {
        const fault = registry.ofGame(gameId, def.entityKind === "player" && byGame.get(gameId)?.team_box_present ? o.entity : null);
        // A player's row that never arrives, or a game no fault explains, does not land later.
        if (fault === null || fault.startsWith("row:")) return null;
        const times = tables.map((t) => landedAt.get(`${t}|${gameId}`));
        return times.some((t) => t === undefined) ? null : (times as string[]).sort().at(-1)!;
      };
      failures.set(key, {
        threshold: o.own.threshold,
        windows: o.windows.map((w) => ({ expected: w.expected, actual: w.actual, missingLandsAt: w.missingGames.map((m) => landsAt(m.game_id)) })),
        waitsFor: def.dependsOn.map((dep) => ({ processor: dep, entity: o.cascadeKeys[dep] })),
      });
    },
    async judge(wh: Warehouse, from: IsoDate, to: IsoDate, now: string): Promise<MorningTruth> {
      const truth: MorningTruth = {
        note:
          "Breakers active at build time, judged from the failure the simulated run recorded and when the season's missing games land: recovered = every window complete enough now and (cascade processors) every upstream key's latest row production ready; stillMissing = a window still below the threshold; cascadeWaiting = own data complete, an upstream key not ready.",
        recovered: [],
        stillMissing: [],
        cascadeWaiting: [],
        unjudged: 0,
      };
      const lists: Record<MorningVerdict, BreakerKeyRef[]> = { recovered: truth.recovered, still_missing: truth.stillMissing, cascade_waiting: truth.cascadeWaiting };
      for (const k of await activeKeys(wh, from, to, now)) {
        const failure = failures.get(keyOf(k.processor, k.entity_id, k.analysis_date));
        if (!failure) {
          truth.unjudged++;
          continue;
        }
        lists[morningVerdict(failure, now, (p, entity) => outputReady.get(keyOf(p, entity, k.analysis_date)) === true)].push(k);
      }
      return truth;
    },
  };
}

function isEngineOutcome(o: RunRecord["outcomes"][number]): o is EntityOutcome {
  return "windows" in o && "own" in o;
}

/**
 * Why a failure happened, in the season's faults: a cascade failure waited for the upstream
 * keys the run found not ready; an own-data failure was missing the games of its blocking
 * windows (a player's row alone when his team's box score was there).
 */
function failureCause(run: RunRecord, o: EntityOutcome, registry: ReturnType<typeof faultRegistry>): FailureCause {
  const def = getProcessor(run.processor);
  let faults: string[];
  if (o.decision.skipReason === "incomplete_upstream_dependencies") {
    faults = failureFaults(
      o.cascade.notReady.map((dep) => {
        const entity = o.cascadeKeys[dep];
        return entity === undefined ? `key:${dep}|unknown|${run.date}` : keyFault(dep, entity, run.date);
      }),
    );
  } else {
    const blocking = new Set(o.own.blockingWindows);
    const byGame = new Map(o.games.map((g) => [g.game_id, g]));
    const faultOf = (gameId: string) =>
      registry.ofGame(gameId, def.entityKind === "player" && byGame.get(gameId)?.team_box_present ? o.entity : null) ?? `unexplained:${gameId}`;
    faults = causingFaults(
      o.windows.filter((w) => blocking.has(w.id)).map((w) => ({ expected: w.expected, actual: w.actual, missing: w.missingGames.map((m) => faultOf(m.game_id)) })),
      o.own.threshold,
    );
  }
  return { processor: run.processor, entity_id: o.entity, analysis_date: run.date, at: o.attempt!.attempted_at, faults };
}

/**
 * The demo operators' actions, keyed to the season's faults: the morning after the December
 * outage's backfill lands, maria.ops bulk-overrides the breakers it tripped (the scenario the
 * original could not handle: its override changed a flag nothing read); a week later
 * jordan.oncall overrides one breaker of a late box score; dana.admin resets one key. On the
 * afternoon of the last simulated day, after the recent outage's early backfill landed,
 * jordan.oncall overrides the recovered breakers of one analysis date's non-cascade processors
 * (the live recheck then calls that date's cascade keys not safe: their upstream rows are not
 * ready) — and leaves every other recovered breaker for the morning. The night's runs process
 * those keys, so the morning holds cascade keys whose upstream processors have recovered.
 */
function operatorScript(season: SimulatedSeason, plan: DemoPlan, retryNow: (key: BreakerKeyRef, dueAt: string) => void) {
  const recent = season.faults.outages.find((o) => o.kind === "recent");
  const cascadeDay = recent?.early ? addDays(season.simulateThrough, -1) : null;
  const december = season.faults.outages.find((o) => o.kind === "december");
  const bulkDay = december ? addDays(december.backfilledAt.slice(0, 10), 0) : null;
  const singleDay = bulkDay ? addDays(bulkDay, 7) : null;
  const resetDay = bulkDay ? addDays(bulkDay, 10) : null;

  return async (wh: Warehouse, date: IsoDate, buildNow: string): Promise<string[]> => {
    const morning = `${addDays(date, 1)}T15:30:00.000Z`;
    const done: string[] = [];
    if (morning > buildNow) return done;
    /** One operator's write on the first key active over the last two weeks; that key is retried this morning. */
    const onFirstActiveKey = async (
      what: string,
      operator: (typeof DEMO_OPERATORS)[keyof typeof DEMO_OPERATORS],
      write: typeof overrideBreaker | typeof resetBreaker,
      request: { reasonCode: string | null; reason: string; requestId: string },
    ) => {
      const [key] = await activeKeys(wh, addDays(date, -14), date, morning);
      if (!key) return;
      const result = await write(wh, key, { ...operator, ...request, now: morning, deployment: CONSOLE_DEPLOYMENT });
      if (result.ok) {
        retryNow(key, morning);
        done.push(`${what} of ${key.processor}/${key.entity_id}/${key.analysis_date} by ${operator.actor}`);
      }
    };
    if (date === bulkDay && december) {
      const keys = await activeKeys(wh, december.from, date, morning);
      const preview = await previewBulkOverride(wh, keys, morning, CONSOLE_DEPLOYMENT);
      if (preview.changes.length) {
        const result = await applyBulkOverride(wh, keys, preview.token, {
          ...DEMO_OPERATORS.bulk,
          reasonCode: "scraper_outage_backfilled",
          reason: `Box-score scraper outage ${december.from}..${december.to} backfilled; data verified complete`,
          requestId: `demo-bulk-${date}`,
          now: morning,
          deployment: CONSOLE_DEPLOYMENT,
        });
        if (result.ok) {
          for (const c of result.data.changes) retryNow(c, morning);
          done.push(`bulk override of ${result.data.changes.length} breakers by ${DEMO_OPERATORS.bulk.actor} on ${date}`);
        }
      }
    }
    if (date === singleDay) {
      await onFirstActiveKey("override", DEMO_OPERATORS.single, overrideBreaker, {
        reasonCode: "data_now_available",
        reason: "Late box score arrived; upstream rows verified in the entity page's live recheck",
        requestId: `demo-single-${date}`,
      });
    }
    if (date === cascadeDay && recent) {
      const upstreams = NIGHT_ORDER.filter((p) => getProcessor(p).dependsOn.length === 0);
      const recovered = await selectActiveKeys(wh, { date_from: recent.from, date_to: date, processors: upstreams, only_recovered: true }, morning, CONSOLE_DEPLOYMENT, plan.calendar);
      const first = recovered.map((k) => k.analysis_date).sort()[0];
      const keys = recovered.filter((k) => k.analysis_date === first);
      const preview = keys.length ? await previewBulkOverride(wh, keys, morning, CONSOLE_DEPLOYMENT) : null;
      if (preview?.changes.length) {
        const result = await applyBulkOverride(wh, keys, preview.token, {
          ...DEMO_OPERATORS.single,
          reasonCode: "data_now_available",
          reason: `Scraper re-run fetched the first box scores lost in the ${recent.from}..${recent.to} outage; upstream keys of ${first} verified complete so their cascade can run tonight`,
          requestId: `demo-cascade-${date}`,
          now: morning,
          deployment: CONSOLE_DEPLOYMENT,
        });
        if (result.ok) {
          for (const c of result.data.changes) retryNow(c, morning);
          done.push(`bulk override of ${result.data.changes.length} recovered upstream breakers of ${first} by ${DEMO_OPERATORS.single.actor} on ${date}`);
        }
      }
    }
    if (date === resetDay) {
      await onFirstActiveKey("reset", DEMO_OPERATORS.reset, resetBreaker, {
        reasonCode: null,
        reason: "Attempts recorded against a schedule error (game listed twice); clearing history after the schedule fix",
        requestId: `demo-reset-${date}`,
      });
    }
    return done;
  };
}

/** Keys with an active breaker for dates in [from, to], read through the real state rules. */
async function activeKeys(wh: Warehouse, from: IsoDate, to: IsoDate, now: string): Promise<BreakerKeyRef[]> {
  const rows = await trippedKeys.run(wh, { date_from: from, date_to: to });
  const keys = rows.flatMap((r) => {
    const processor = resolveProcessorName(r.processor_name);
    return processor ? [{ processor, entity_id: r.entity_id, analysis_date: r.analysis_date }] : [];
  });
  if (keys.length === 0) return [];
  const snapshot = await readKeys(wh, keys, now);
  return snapshot.keys.filter((k) => k.state.status === "active").map((k) => k.key);
}
