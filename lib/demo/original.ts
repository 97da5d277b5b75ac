import "server-only";

import { type IsoDate, addDays, daysBetween, monthOf } from "@/lib/completeness/dates";
import { type ProcessorName, type WindowSpec, getProcessor } from "@/lib/completeness/processors";
import { columnTypes } from "@/lib/queries/define-insert";
import type { ColumnType, Statement, Warehouse } from "@/lib/warehouse/types";

import {
  BDL_COLUMNS,
  type Landed,
  type Micros,
  type OriginalUpstream,
  PGS_COLUMNS,
  SCHEDULE_COLUMNS,
  TDGS_COLUMNS,
  US_PER_DAY,
  US_PER_HOUR,
  US_PER_MINUTE,
  buildOriginalUpstream,
  dayStart,
  isoMicros,
  microsOf,
} from "./original-upstream";
import { type FailedWindowFaults, type FailureCause, causingFaults, failureFaults, faultRegistry, keyFault } from "./faults";
import type { DemoPlan } from "./plan";
import { rngFor } from "./random";
import { type SimulatedSeason, generateSeason } from "./season";

/**
 * The `original` demo profile: what a team running the original Python pipeline has in its
 * warehouse, computed from the simulated season in memory and written the way the pipeline
 * writes it. None of the console's queries or engine decide anything here, so the console can
 * be held to data it did not shape.
 *
 * The processors, night by night (run at date+1 04:00–04:30 UTC, one entity after another, as
 * the Python code does with one breaker query per entity):
 * - Breaker read: the key's latest row by attempt_number; tripped and now < circuit_breaker_until
 *   → the entity is skipped silently (no row anywhere). `manual_override_applied` is never read.
 * - Completeness as the original's checker computed it: expected from the schedule (players: the
 *   team of their last game, its last N final games before the date, or its games in the N days
 *   before; teams: the CASE WHEN that gives every game to the home team), actual = distinct game
 *   dates in the upstream table from opening night (games windows) or date − N (days windows)
 *   through the date itself. Nothing clamps it: player games windows read season-to-date, teams
 *   ≈200%. pct = actual / expected × 100 (0 when nothing is expected: not ready), ready when the
 *   unrounded pct ≥ 90, stored rounded to one decimal.
 * - Not ready outside bootstrap (the first 30 days from opening night) → one INSERT: attempt =
 *   latest + 1, tripped when ≥ 3, until = a moment computed just before the insert + 7 days,
 *   notes `Attempt n: x.x% complete`. Never a success row. Skipped entities are not written to
 *   output tables; processed ones are, with `processing_decision_reason = 'processed_successfully'`.
 * - The feature store also runs its upstream check (the one that blocked 394 players in
 *   December 2025): no ready row of the player's daily cache, composite factors or shot zones,
 *   or of the opponent's defense zones for the date → skipped as `incomplete_upstream_dependencies`.
 *   The composite factors check only their own window (their later upstream check also read the
 *   team context, whose readiness the original computed from home games only, and would block
 *   every entity every night).
 * - The upcoming team context never records an attempt and never skips.
 * - An orchestrator retries failed keys the next night and tripped keys when their cooldown ends
 *   (so a key still incomplete re-trips at attempt 4), for 21 days.
 * Consequences the console meets as the pipeline's users did: the shot zones, composite factors
 * and defense zones never trip after bootstrap (their season-to-date counts read far above 100%);
 * a single missing game passes on the next night's retry (the date's own game has landed by
 * then and counts as actual); the days after the All-Star break trip every player whose 7-day
 * window holds no game (0 expected reads 0%).
 *
 * Operators use the original helper scripts: flag-only UPDATE overrides (one bulk over the
 * December outage's dates the morning after its backfill lands; up to three single ones a week later, or
 * on the first morning after that with an active breaker) and one RESET three days after those.
 * The overrides change nothing the processors read: the keys stay blocked.
 *
 * The season's own opening night replaces the processors' hard-coded season starts (Oct 1, or
 * Oct 22 for the defense zones): the demo season is shifted in time, and a start months away
 * would make every window meaningless.
 */

/** The DDL an `original`-profile database is created from (and only it): `applyEmbeddedSchema(run, ORIGINAL_SCHEMA_DIR)`. */
export const ORIGINAL_SCHEMA_DIR = "sql/original";

const PIPELINE_PROCESSORS = [
  "team_defense_zone_analysis",
  "player_shot_zone_analysis",
  "player_daily_cache",
  "upcoming_player_game_context",
  "upcoming_team_game_context",
  "player_composite_factors",
  "ml_feature_store",
] as const satisfies readonly ProcessorName[];
type PipelineProcessor = (typeof PIPELINE_PROCESSORS)[number];

/** Minutes after 04:00 UTC the day after the date at which each processor's nightly run starts. */
const RUN_OFFSET_MINUTES: Record<PipelineProcessor, number> = {
  team_defense_zone_analysis: 0,
  player_shot_zone_analysis: 4,
  player_daily_cache: 8,
  upcoming_player_game_context: 12,
  upcoming_team_game_context: 16,
  player_composite_factors: 20,
  ml_feature_store: 24,
};

const THRESHOLD = 90;
const BOOTSTRAP_DAYS = 30;
const COOLDOWN_US = 7 * US_PER_DAY;
const RETRY_HORIZON_DAYS = 21;

export const ORIGINAL_OPERATORS = { bulk: "maria.ops", single: "jordan.oncall", reset: "dana.admin" } as const;

// ---------------------------------------------------------------------------------------------
// Breaker rows (nba_orchestration.reprocess_attempts, the 12 original columns)

interface AttemptRecord {
  processor: PipelineProcessor;
  processor_name: string;
  entity_id: string;
  analysis_date: IsoDate;
  attempt_number: number;
  attempted_at: Micros;
  completeness_pct: number | null;
  skip_reason: string | null;
  circuit_breaker_tripped: boolean;
  circuit_breaker_until: Micros | null;
  manual_override_applied: boolean;
  notes: string;
  created_at: Micros;
}

const keyOf = (p: PipelineProcessor, entity: string, date: IsoDate) => `${p}|${entity}|${date}`;

class AttemptStore {
  readonly byKey = new Map<string, AttemptRecord[]>();
  add(r: AttemptRecord) {
    const k = keyOf(r.processor, r.entity_id, r.analysis_date);
    const list = this.byKey.get(k);
    if (list) list.push(r);
    else this.byKey.set(k, [r]);
  }
  latest(k: string): AttemptRecord | undefined {
    let best: AttemptRecord | undefined;
    for (const r of this.byKey.get(k) ?? []) if (!best || r.attempt_number > best.attempt_number) best = r;
    return best;
  }
  /** `_check_circuit_breaker`: the latest row by attempt number decides. */
  read(k: string, now: Micros): { active: boolean; attempts: number } {
    const r = this.latest(k);
    if (!r) return { active: false, attempts: 0 };
    return { active: r.circuit_breaker_tripped && r.circuit_breaker_until !== null && now < r.circuit_breaker_until, attempts: r.attempt_number };
  }
  all(): AttemptRecord[] {
    return [...this.byKey.values()].flat();
  }
}

// ---------------------------------------------------------------------------------------------
// Completeness as the original computed it

interface WindowValue {
  id: string;
  expected: number;
  actual: number;
  pct: number;
  stored: number;
  isComplete: boolean;
  ready: boolean;
}

function windowValue(id: string, expected: number, actual: number): WindowValue {
  const pct = expected > 0 ? (actual / expected) * 100 : 0;
  return { id, expected, actual, pct, stored: Number(pct.toFixed(1)), isComplete: actual >= expected, ready: pct >= THRESHOLD };
}

function countDates(dates: readonly IsoDate[] | undefined, from: IsoDate, to: IsoDate, inclusiveTo: boolean): number {
  let n = 0;
  for (const d of dates ?? []) {
    if (d > to || (!inclusiveTo && d === to)) break;
    if (d >= from) n++;
  }
  return n;
}

/** Distinct dates of rows in [from, to] that had landed by `at` (rows sorted by date; one row per entity and date). */
function countLanded(rows: readonly Landed[] | undefined, from: IsoDate, to: IsoDate, at: Micros): number {
  let n = 0;
  for (const r of rows ?? []) {
    if (r.date > to) break;
    if (r.date >= from && r.at <= at) n++;
  }
  return n;
}

/** The post-seed player expected query's "current team": the team of the player's last game before the date, as seen at `at`. */
function currentTeam(rows: readonly Landed[] | undefined, date: IsoDate, at: Micros): string | null {
  let team: string | null = null;
  for (const r of rows ?? []) {
    if (r.date >= date) break;
    if (r.at <= at) team = r.team;
  }
  return team;
}

// ---------------------------------------------------------------------------------------------
// The build

export interface GroundTruthKey {
  /** Canonical processor name (the console's registry). */
  processor: ProcessorName;
  /** What the pipeline wrote in reprocess_attempts.processor_name. */
  processor_name: string;
  entity_id: string;
  analysis_date: IsoDate;
  /** The team whose games the key's windows hold (by the console's rule: the team of the last game before the date). */
  team: string;
  /** Window games (console rules) whose upstream rows are absent now. */
  missing: { game_date: IsoDate; game_id: string }[];
  /** Window games whose upstream rows arrived after the key's latest trip. */
  arrivedAfterTrip: { game_date: IsoDate; game_id: string }[];
}

export interface GroundTruth {
  /** Active breakers (the Python read at build time) whose missing data has arrived since they tripped. */
  recovered: GroundTruthKey[];
  /** Active breakers with window games still missing. */
  stillMissing: GroundTruthKey[];
  /** Active breakers with nothing missing and nothing late: tripped on DNPs or on windows with no games expected. */
  nothingMissing: GroundTruthKey[];
}

export interface OriginalBuildSummary {
  profile: "original";
  builtAt: string;
  nights: number;
  runs: number;
  outputRows: Record<string, number>;
  attemptRows: number;
  operatorActions: string[];
  upstreamRows: Record<string, number>;
  activeBreakers: number;
  groundTruth: GroundTruth;
  /**
   * The ground truth for incidents: every failure the processors recorded, with the faults of
   * the season that caused it (lib/demo/faults.ts), judged by the processors' own windows. Not
   * written to the demo metadata.
   */
  failureCauses: FailureCause[];
}

/** A breaker key as the demo metadata records it: the console's canonical processor name. */
export interface RecordedKey {
  processor: ProcessorName;
  entity_id: string;
  analysis_date: IsoDate;
}

/** The ground truth as the demo metadata records it (`summary.groundTruth`): the keys only. */
export interface RecordedGroundTruth {
  note: string;
  recovered: RecordedKey[];
  stillMissing: RecordedKey[];
  nothingMissing: RecordedKey[];
}

export function recordGroundTruth(truth: GroundTruth): RecordedGroundTruth {
  const keys = (list: GroundTruthKey[]) => list.map((k) => ({ processor: k.processor, entity_id: k.entity_id, analysis_date: k.analysis_date }));
  return {
    note:
      "Active breakers at build time (latest row by attempt_number tripped, until after builtAt), judged on the rows present at build time by the console's window rules: recovered = every window game present and at least one arrived after the trip; stillMissing = a window game absent; nothingMissing = nothing absent or late (DNPs, or windows with no games expected).",
    recovered: keys(truth.recovered),
    stillMissing: keys(truth.stillMissing),
    nothingMissing: keys(truth.nothingMissing),
  };
}

export interface OriginalBuildOptions {
  /** The moment the demo is built: nothing after it happens (no row is stamped later). */
  now: string;
  onProgress?: (p: { day: number; days: number; date: IsoDate }) => void;
}

interface Output {
  table: string;
  row: Record<string, unknown>;
  ready: boolean;
  at: Micros;
}

interface NightGame {
  team: string;
  opponent: string;
  home: boolean;
  gameId: string;
  nbaId: string;
}

/**
 * Build the `original` profile's tables in `wh` (which must hold only `sql/original/`). Runs in
 * memory, then writes every table in one transaction. Deterministic for (plan, now).
 */
export async function buildOriginalDemoDatabase(wh: Warehouse, plan: DemoPlan, options: OriginalBuildOptions): Promise<OriginalBuildSummary> {
  const now = microsOf(options.now);
  const season = generateSeason({ seed: plan.seed, seasonStart: plan.seasonStart, seasonYear: plan.seasonYear, simulateThrough: plan.simulateThrough });
  const up = buildOriginalUpstream(season, plan.seed, now);
  const world = simulateOriginal(season, up, plan, now, options.onProgress);

  const statements: Statement[] = [
    { insert: "nba_raw.nbac_schedule", columns: SCHEDULE_COLUMNS, rows: up.rows.schedule },
    { insert: "nba_raw.bdl_player_boxscores", columns: BDL_COLUMNS, rows: up.rows.bdl },
    { insert: "nba_analytics.player_game_summary", columns: PGS_COLUMNS, rows: up.rows.pgs },
    { insert: "nba_analytics.team_defense_game_summary", columns: TDGS_COLUMNS, rows: up.rows.tdgs },
  ];
  const byTable = new Map<string, Record<string, unknown>[]>();
  for (const o of world.outputs.values()) {
    const list = byTable.get(o.table);
    if (list) list.push(o.row);
    else byTable.set(o.table, [o.row]);
  }
  const outputRows: Record<string, number> = {};
  for (const [table, rows] of byTable) {
    statements.push({ insert: table, columns: columnsOf(table, rows), rows });
    outputRows[table] = rows.length;
  }
  const attempts = world.store.all().sort((a, b) => a.attempted_at - b.attempted_at);
  statements.push({ insert: "nba_orchestration.reprocess_attempts", columns: ATTEMPT_COLUMNS, rows: attempts.map(attemptRow) });
  await wh.transaction(statements);

  return {
    profile: "original",
    builtAt: options.now,
    nights: world.nights,
    runs: world.runs,
    outputRows,
    attemptRows: attempts.length,
    operatorActions: world.operatorActions,
    upstreamRows: {
      "nba_raw.nbac_schedule": up.rows.schedule.length,
      "nba_raw.bdl_player_boxscores": up.rows.bdl.length,
      "nba_analytics.player_game_summary": up.rows.pgs.length,
      "nba_analytics.team_defense_game_summary": up.rows.tdgs.length,
    },
    activeBreakers: world.groundTruth.recovered.length + world.groundTruth.stillMissing.length + world.groundTruth.nothingMissing.length,
    groundTruth: world.groundTruth,
    failureCauses: world.failureCauses,
  };
}

/** The original's 12 columns of reprocess_attempts (the Python processors write no others), typed by its DDL. */
const ATTEMPT_COLUMNS = columnTypes("nba_orchestration.reprocess_attempts", [
  "processor_name", "entity_id", "analysis_date", "attempt_number", "attempted_at", "completeness_pct", "skip_reason",
  "circuit_breaker_tripped", "circuit_breaker_until", "manual_override_applied", "notes", "created_at",
], ORIGINAL_SCHEMA_DIR);

function attemptRow(r: AttemptRecord): Record<string, unknown> {
  return {
    processor_name: r.processor_name, entity_id: r.entity_id, analysis_date: r.analysis_date, attempt_number: r.attempt_number,
    attempted_at: isoMicros(r.attempted_at), completeness_pct: r.completeness_pct, skip_reason: r.skip_reason,
    circuit_breaker_tripped: r.circuit_breaker_tripped, circuit_breaker_until: r.circuit_breaker_until === null ? null : isoMicros(r.circuit_breaker_until),
    manual_override_applied: r.manual_override_applied, notes: r.notes, created_at: isoMicros(r.created_at),
  };
}

/** The columns of an output table's rows (every row has the same keys), typed by the table's DDL. */
function columnsOf(table: string, rows: readonly Record<string, unknown>[]): Record<string, ColumnType> {
  return columnTypes(table, Object.keys(rows[0] ?? {}), ORIGINAL_SCHEMA_DIR);
}

// ---------------------------------------------------------------------------------------------
// The nights

interface World {
  store: AttemptStore;
  outputs: Map<string, Output>;
  nights: number;
  runs: number;
  operatorActions: string[];
  groundTruth: GroundTruth;
  failureCauses: FailureCause[];
}

class RetryQueue {
  private byProcessor = new Map<PipelineProcessor, Map<string, { entity: string; date: IsoDate; due: Micros }>>();
  add(processor: PipelineProcessor, entity: string, date: IsoDate, due: Micros) {
    let items = this.byProcessor.get(processor);
    if (!items) this.byProcessor.set(processor, (items = new Map()));
    items.set(`${entity}|${date}`, { entity, date, due });
  }
  /** Retries due by `at` for a processor, oldest date first; removed from the queue. */
  take(processor: PipelineProcessor, at: Micros, tonight: IsoDate): { entity: string; date: IsoDate }[] {
    const out: { entity: string; date: IsoDate }[] = [];
    const items = this.byProcessor.get(processor);
    for (const [k, r] of items ?? []) {
      if (r.due > at) continue;
      items!.delete(k);
      if (r.date >= tonight || daysFrom(r.date, tonight) > RETRY_HORIZON_DAYS) continue;
      out.push({ entity: r.entity, date: r.date });
    }
    return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.entity < b.entity ? -1 : 1));
  }
}

/** Days from `a` to `b`, remembered (same reason as plusDays). */
const spans = new Map<string, number>();
function daysFrom(a: IsoDate, b: IsoDate): number {
  const k = `${a}|${b}`;
  let n = spans.get(k);
  if (n === undefined) spans.set(k, (n = daysBetween(a, b)));
  return n;
}

/** addDays, remembered: the nightly loop asks for the same few hundred dates millions of times. */
const shifted = new Map<string, IsoDate>();
function plusDays(date: IsoDate, n: number): IsoDate {
  const k = `${date}|${n}`;
  let d = shifted.get(k);
  if (d === undefined) shifted.set(k, (d = addDays(date, n)));
  return d;
}

function simulateOriginal(
  season: SimulatedSeason,
  up: OriginalUpstream,
  plan: DemoPlan,
  now: Micros,
  onProgress?: OriginalBuildOptions["onProgress"],
): World {
  const store = new AttemptStore();
  const outputs = new Map<string, Output>();
  const queue = new RetryQueue();
  const clock = rngFor(plan.seed, "original:clock");
  const operatorActions: string[] = [];
  const seasonStart = plan.seasonStart;
  const days = daysFrom(plan.seasonStart, plan.simulateThrough) + 1;
  let runs = 0;
  let nights = 0;
  const failureCauses: FailureCause[] = [];
  const registry = faultRegistry(season.faults, new Map([...up.recentOutageGames].map((g) => [g, "recent" as const])));
  const nbaIdOn = (date: IsoDate, team: string) => (up.gamesOn.get(date) ?? []).find((g) => g.home === team || g.away === team)?.nbaId;

  /**
   * The faults behind an own-data failure, by the checker's own windows: each window below the
   * threshold, the games it expected whose upstream row for the entity had not landed at `at`.
   */
  const ownFaults = (p: PipelineProcessor, entity: string, date: IsoDate, at: Micros, windows: readonly WindowValue[]): string[] => {
    const def = getProcessor(p);
    const isTeam = def.entityKind !== "player";
    const team = isTeam ? entity : currentTeam(up.pgsByPlayer.get(entity), date, at);
    if (!team) return failureFaults([]);
    const rows = isTeam ? up.tdgsByTeam.get(entity) : p === "upcoming_player_game_context" ? up.bdlByPlayer.get(entity) : up.pgsByPlayer.get(entity);
    const before = (up.finalDates.get(team) ?? []).filter((d) => d >= seasonStart && d < date);
    const failed: FailedWindowFaults[] = [];
    for (const w of def.windows) {
      const value = windows.find((v) => v.id === w.id);
      if (!value || value.ready) continue;
      const dates = w.kind === "games" ? before.slice(-w.size) : before.filter((d) => d >= plusDays(date, -w.size));
      const missing: (string | null)[] = [];
      for (const d of dates) {
        if ((rows ?? []).some((r) => r.date === d && r.at <= at)) continue;
        const nbaId = nbaIdOn(d, team);
        if (nbaId) missing.push(registry.ofGame(nbaId, isTeam ? null : entity));
      }
      failed.push({ expected: value.expected, actual: value.actual, missing });
    }
    return causingFaults(failed, THRESHOLD);
  };

  const gamesFor = (date: IsoDate): Map<string, NightGame> => {
    const m = new Map<string, NightGame>();
    for (const g of up.gamesOn.get(date) ?? []) {
      m.set(g.home, { team: g.home, opponent: g.away, home: true, gameId: g.gameId, nbaId: g.nbaId });
      m.set(g.away, { team: g.away, opponent: g.home, home: false, gameId: g.gameId, nbaId: g.nbaId });
    }
    return m;
  };

  const windowsOf = (p: PipelineProcessor): readonly WindowSpec[] => getProcessor(p).windows;

  /** The original checker's windows for one entity at run time `at`. */
  const evaluate = (p: PipelineProcessor, entity: string, date: IsoDate, at: Micros, list: ReadonlySet<string>): WindowValue[] => {
    if (p === "team_defense_zone_analysis") {
      const expected = countDates(up.finalHomeDates.get(entity), seasonStart, date, true);
      const actual = countLanded(up.tdgsByTeam.get(entity), seasonStart, date, at);
      return [windowValue("l15", expected, actual)];
    }
    if (p === "upcoming_team_game_context") {
      const team = entity;
      return windowsOf(p).map((w) => {
        const from = plusDays(date, -w.size);
        let expected = 0;
        for (const g of up.finalDates.get(team) ?? []) {
          if (g < from || g > date) continue;
          const game = (up.gamesOn.get(g) ?? []).find((x) => x.home === team || x.away === team);
          if (game && (game.home === team || !list.has(game.home))) expected++;
        }
        const actual = new Set((up.scheduleHomeDates.get(team) ?? []).filter((d) => d >= from && d <= date)).size;
        return windowValue(w.id, expected, actual);
      });
    }
    const upstream = p === "upcoming_player_game_context" ? up.bdlByPlayer.get(entity) : up.pgsByPlayer.get(entity);
    const team = currentTeam(up.pgsByPlayer.get(entity), date, at);
    return windowsOf(p).map((w) => {
      if (w.kind === "games") {
        const before = team ? countDates(up.finalDates.get(team), seasonStart, date, false) : 0;
        return windowValue(w.id, Math.min(w.size, before), countLanded(upstream, seasonStart, date, at));
      }
      const from = plusDays(date, -w.size);
      const expected = team ? countDates(up.finalDates.get(team), from, date, false) : 0;
      return windowValue(w.id, expected, countLanded(upstream, from, date, at));
    });
  };

  const outputReady = (p: PipelineProcessor, entity: string, date: IsoDate, at: Micros): boolean => {
    const o = outputs.get(keyOf(p, entity, date));
    return !!o && o.at <= at && o.ready;
  };

  /** One entity of one run, at `at`: the breaker read, the checker, then an attempt row or an output row. */
  const processEntity = (p: PipelineProcessor, entity: string, date: IsoDate, at: Micros, list: ReadonlySet<string>, game: NightGame | undefined): void => {
    const def = getProcessor(p);
    const key = keyOf(p, entity, date);
    const breaker = p === "upcoming_team_game_context" ? { active: false, attempts: 0 } : store.read(key, at);
    if (breaker.active) return;
    const windows = evaluate(p, entity, date, at, list);
    const bootstrap = daysFrom(seasonStart, date) < BOOTSTRAP_DAYS;
    const ownReady = windows.every((w) => w.ready);
    let upstreamReady = true;
    let waitedFor: string[] = [];
    const issues: string[] = [];
    if (p === "ml_feature_store") {
      const checks: [string, boolean][] = [
        ["upstream_player_daily_cache_incomplete", outputReady("player_daily_cache", entity, date, at)],
        ["upstream_player_composite_factors_incomplete", outputReady("player_composite_factors", entity, date, at)],
        ["upstream_player_shot_zone_incomplete", outputReady("player_shot_zone_analysis", entity, date, at)],
        ["upstream_team_defense_zone_incomplete", !!game && outputReady("team_defense_zone_analysis", game.opponent, date, at)],
      ];
      for (const [issue, ok] of checks) if (!ok) issues.push(issue);
      upstreamReady = issues.length === 0;
      waitedFor = [
        ...(checks[0]![1] ? [] : [keyFault("player_daily_cache", entity, date)]),
        ...(checks[1]![1] ? [] : [keyFault("player_composite_factors", entity, date)]),
        ...(checks[2]![1] ? [] : [keyFault("player_shot_zone_analysis", entity, date)]),
        ...(checks[3]![1] || !game ? [] : [keyFault("team_defense_zone_analysis", game.opponent, date)]),
      ];
    }
    const primary =
      p === "player_daily_cache" ? windows[1]! : p === "upcoming_player_game_context" ? windows[4]! : p === "upcoming_team_game_context" ? windows[1]! : windows[0]!;

    if (!(ownReady && upstreamReady) && !bootstrap && p !== "upcoming_team_game_context") {
      const pct =
        p === "upcoming_player_game_context" ? windows.reduce((s, w) => s + w.stored, 0) / windows.length : primary.stored;
      const skip =
        !ownReady
          ? p === "player_daily_cache"
            ? "incomplete_upstream_data_multi_window"
            : p === "upcoming_player_game_context"
              ? "incomplete_multi_window_data"
              : "incomplete_upstream_data"
          : "incomplete_upstream_dependencies";
      const attempt = breaker.attempts + 1;
      const tripped = attempt >= 3;
      const attemptedAt = at + clock.int(15_000, 250_000);
      store.add({
        processor: p, processor_name: def.pipelineName, entity_id: entity, analysis_date: date, attempt_number: attempt,
        attempted_at: attemptedAt, completeness_pct: pct, skip_reason: skip, circuit_breaker_tripped: tripped,
        circuit_breaker_until: tripped ? at + COOLDOWN_US : null, manual_override_applied: false,
        notes: `Attempt ${attempt}: ${pct.toFixed(1)}% complete`, created_at: attemptedAt,
      });
      failureCauses.push({
        processor: p, entity_id: entity, analysis_date: date, at: isoMicros(attemptedAt),
        faults: ownReady ? failureFaults(waitedFor) : ownFaults(p, entity, date, at, windows),
      });
      // Failed: the next night's run (it starts a few minutes either side of this one). Tripped: the
      // first run after the cooldown.
      queue.add(p, entity, date, tripped ? at + COOLDOWN_US : at + US_PER_DAY - US_PER_HOUR);
      return;
    }

    const processedAt = at + clock.int(2_000, 40_000);
    const standard = {
      expected_games_count: primary.expected, actual_games_count: primary.actual, completeness_percentage: primary.stored,
      missing_games_count: Math.max(0, primary.expected - primary.actual), is_production_ready: ownReady && upstreamReady,
      data_quality_issues: issues, last_reprocess_attempt_at: null, reprocess_attempt_count: breaker.attempts,
      circuit_breaker_active: false, circuit_breaker_until: null, manual_override_required: false,
      season_boundary_detected: [10, 11, 4].includes(monthOf(date)), backfill_bootstrap_mode: bootstrap,
      processing_decision_reason: "processed_successfully",
    };
    const windowCols: Record<string, unknown> = {};
    if (p === "player_daily_cache" || p === "upcoming_player_game_context" || p === "upcoming_team_game_context") {
      // The daily cache writes each window's readiness (≥ 90%) as its is_complete; the two
      // contexts write actual ≥ expected, and all_windows_complete as the AND of those.
      const flag = (w: WindowValue) => (p === "player_daily_cache" ? w.ready : w.isComplete);
      for (const w of windows) {
        windowCols[`${w.id}_completeness_pct`] = w.stored;
        windowCols[`${w.id}_is_complete`] = flag(w);
      }
      windowCols.all_windows_complete = windows.every(flag);
    }
    const upid = `${entity}_001`;
    const early = daysFrom(seasonStart, date) < 14;
    const stamp = { processed_at: isoMicros(processedAt), created_at: isoMicros(processedAt + clock.int(500_000, 3_000_000)) };
    let row: Record<string, unknown>;
    switch (p) {
      case "team_defense_zone_analysis":
        row = { team_abbr: entity, analysis_date: date, games_in_sample: Math.min(15, primary.actual), opponent_points_per_game: 104 + clock.int(0, 160) / 10,
          defensive_rating_last_15: 105 + clock.int(0, 1200) / 100, data_quality_tier: "high", early_season_flag: early, ...standard, ...stamp };
        break;
      case "player_shot_zone_analysis":
        row = { player_lookup: entity, universal_player_id: upid, analysis_date: date, games_in_sample_10: Math.min(10, primary.actual),
          sample_quality_10: primary.actual >= 10 ? "excellent" : "limited", primary_scoring_zone: clock.pick(["paint", "mid_range", "perimeter"]),
          data_quality_tier: "high", early_season_flag: early, ...standard, ...stamp };
        break;
      case "player_daily_cache":
        row = { player_lookup: entity, universal_player_id: upid, cache_date: date, games_played_season: windows[1]!.actual,
          cache_version: "v1", early_season_flag: early, ...standard, ...windowCols, ...stamp };
        break;
      case "upcoming_player_game_context":
        row = { player_lookup: entity, universal_player_id: upid, game_id: game!.gameId, game_date: date, team_abbr: game!.team,
          opponent_team_abbr: game!.opponent, home_game: game!.home, context_version: 1, ...standard, ...windowCols, ...stamp };
        break;
      case "upcoming_team_game_context": {
        const l7 = countDates(up.finalDates.get(entity), plusDays(date, -7), date, false);
        const l14 = countDates(up.finalDates.get(entity), plusDays(date, -14), date, false);
        const b2b = countDates(up.finalDates.get(entity), plusDays(date, -1), date, false) > 0;
        row = { team_abbr: entity, game_id: game!.nbaId, game_date: date, season_year: plan.seasonYear, opponent_team_abbr: game!.opponent,
          home_game: game!.home, is_back_to_back: b2b, team_back_to_back: b2b, games_in_last_7_days: l7, games_in_last_14_days: l14,
          starters_out_count: clock.int(0, 2), questionable_players_count: clock.int(0, 3), team_win_streak_entering: clock.int(0, 4),
          team_loss_streak_entering: 0, travel_miles: game!.home ? 0 : clock.int(200, 2600), ...standard, ...windowCols, ...stamp };
        break;
      }
      case "player_composite_factors":
        row = { player_lookup: entity, universal_player_id: upid, game_date: date, game_id: game!.gameId, analysis_date: date,
          calculation_version: "v1_4factors", fatigue_score: clock.int(60, 100), ...standard, ...stamp };
        break;
      case "ml_feature_store":
        row = { player_lookup: entity, universal_player_id: upid, game_date: date, game_id: game!.gameId, feature_count: 25,
          feature_version: "v1_baseline_25", data_source: "phase4", opponent_team_abbr: game!.opponent, is_home: game!.home,
          feature_quality_score: 80 + clock.int(0, 2000) / 100, early_season_flag: early, ...standard,
          created_at: stamp.processed_at, updated_at: stamp.processed_at };
        break;
    }
    outputs.set(key, { table: def.table, row, ready: ownReady && upstreamReady, at: processedAt });
  };

  const done = { single: false, reset: false };
  let stopped = false;
  for (let day = 0; day < days && !stopped; day++) {
    const date = plusDays(plan.seasonStart, day);
    const tonight = gamesFor(date);
    const playingTeams = [...tonight.keys()].sort();
    for (const p of PIPELINE_PROCESSORS) {
      const start = dayStart(plusDays(date, 1)) + 4 * US_PER_HOUR + RUN_OFFSET_MINUTES[p] * US_PER_MINUTE + clock.int(0, 20_000_000);
      const entities: string[] =
        p === "team_defense_zone_analysis"
          ? season.teams
          : p === "upcoming_team_game_context"
            ? playingTeams
            : (p === "player_shot_zone_analysis" ? season.teams : playingTeams).flatMap((t) => season.rosterOn(date, t));
      const retries = queue.take(p, start, date);
      // A run that would still be going at build time has not happened yet, nor has anything after it.
      const steps = entities.length + retries.length;
      const stamps: Micros[] = [];
      let at = start;
      for (let i = 0; i < steps; i++) stamps.push((at += clock.int(80_000, 400_000)));
      if (at + 5 * 1_000_000 > now) {
        stopped = true;
        for (const r of retries) queue.add(p, r.entity, r.date, start);
        break;
      }
      const list = new Set(playingTeams);
      entities.forEach((entity, i) => {
        const game = tonight.get(p === "upcoming_team_game_context" ? entity : (season.teamOf(entity, date) ?? ""));
        processEntity(p, entity, date, stamps[i]!, list, game);
      });
      retries.forEach((r, i) => {
        const games = gamesFor(r.date);
        const game = games.get(p === "upcoming_team_game_context" ? r.entity : (season.teamOf(r.entity, r.date) ?? ""));
        processEntity(p, r.entity, r.date, stamps[entities.length + i]!, new Set(games.keys()), game);
      });
      runs++;
    }
    if (stopped) break;
    operators(date);
    nights++;
    onProgress?.({ day: day + 1, days, date });
  }

  // ----- operators: the original helper scripts -----
  function operators(date: IsoDate) {
    const december = season.faults.outages.find((o) => o.kind === "december");
    if (!december) return;
    const bulkDay = december.backfilledAt.slice(0, 10);
    const lastDay = plusDays(plan.simulateThrough, 0);
    const clamp = (d: IsoDate) => (d > lastDay ? lastDay : d);
    const morning = dayStart(plusDays(date, 1)) + 15 * US_PER_HOUR + 30 * US_PER_MINUTE + clock.int(0, 59_000_000);
    // Every action of the morning (the last within 25 minutes) must have happened by build time.
    if (morning + 1_500_000_000 > now) return;
    const opRng = rngFor(plan.seed, `original:operator:${date}`);
    if (date === bulkDay) {
      const reason = `Box-score scraper outage ${december.from}..${december.to} backfilled; data verified complete`;
      let n = 0;
      for (const r of store.all()) {
        if (r.analysis_date < december.from || r.analysis_date > date || !r.circuit_breaker_tripped) continue;
        r.manual_override_applied = true;
        r.notes = `Bulk override applied by ${ORIGINAL_OPERATORS.bulk} on ${notesTime(morning)}. Reason: ${reason}`;
        n++;
      }
      if (n) operatorActions.push(`bulk override (flag-only UPDATE) of ${n} tripped rows for ${december.from}..${date} by ${ORIGINAL_OPERATORS.bulk}`);
    }
    // The single overrides a week after the bulk one and the reset three days later, or the
    // first morning after that with an active breaker to act on.
    if (!done.single && date >= clamp(plusDays(bulkDay, 7))) {
      const active = activeKeys(morning, plusDays(date, -14), date);
      const chosen = [
        ...active.filter((k) => k.processor === "ml_feature_store").slice(0, 1),
        ...active.filter((k) => k.processor === "upcoming_player_game_context").slice(0, 1),
      ];
      for (const k of active) if (chosen.length < 3 && !chosen.includes(k)) chosen.push(k);
      for (const k of chosen) {
        const at = morning + opRng.int(30_000_000, 600_000_000);
        for (const r of store.byKey.get(keyOf(k.processor, k.entity_id, k.analysis_date)) ?? []) {
          if (!r.circuit_breaker_tripped) continue;
          r.manual_override_applied = true;
          r.notes = `Manual override applied by ${ORIGINAL_OPERATORS.single} on ${notesTime(at)}. Reason: Late box score arrived; upstream rows verified`;
        }
        operatorActions.push(`override (flag-only UPDATE) of ${k.processor_name}/${k.entity_id}/${k.analysis_date} by ${ORIGINAL_OPERATORS.single}`);
      }
      done.single = chosen.length > 0;
    }
    if (!done.reset && date >= clamp(plusDays(bulkDay, 10))) {
      const overridden = (k: AttemptRecord) => (store.byKey.get(keyOf(k.processor, k.entity_id, k.analysis_date)) ?? []).some((r) => r.manual_override_applied);
      const candidates = activeKeys(morning, plusDays(date, -14), date).filter((k) => !overridden(k));
      const k = candidates.find((c) => c.processor === "player_daily_cache") ?? candidates[0];
      if (k) {
        const at = morning + opRng.int(700_000_000, 1_500_000_000);
        const key = keyOf(k.processor, k.entity_id, k.analysis_date);
        const previous = store.byKey.get(key) ?? [];
        const reason = "Attempts recorded against a schedule error (game listed twice); clearing history after the schedule fix";
        const reset: AttemptRecord = {
          processor: k.processor, processor_name: k.processor_name, entity_id: k.entity_id, analysis_date: k.analysis_date,
          attempt_number: 0, attempted_at: at, completeness_pct: 0, skip_reason: "RESET", circuit_breaker_tripped: false,
          circuit_breaker_until: null, manual_override_applied: true,
          notes: `RESET: All previous attempts deleted by ${ORIGINAL_OPERATORS.reset} on ${notesTime(at)}. Reason: ${reason}. Previous attempts: ${previous.length}`,
          created_at: at,
        };
        // INSERT the RESET row, then DELETE … WHERE notes NOT LIKE 'RESET:%'.
        store.byKey.set(key, [...previous, reset].filter((r) => r.notes.startsWith("RESET:")));
        queue.add(k.processor, k.entity_id, k.analysis_date, at);
        operatorActions.push(`reset of ${k.processor_name}/${k.entity_id}/${k.analysis_date} by ${ORIGINAL_OPERATORS.reset} (${previous.length} rows deleted)`);
        done.reset = true;
      }
    }
  }

  function activeKeys(at: Micros, from: IsoDate, to: IsoDate): AttemptRecord[] {
    const out: AttemptRecord[] = [];
    for (const [k, rows] of store.byKey) {
      const latest = store.latest(k)!;
      if (latest.analysis_date < from || latest.analysis_date > to) continue;
      if (store.read(k, at).active && rows.length) out.push(latest);
    }
    return out.sort((a, b) => (a.analysis_date < b.analysis_date ? 1 : a.analysis_date > b.analysis_date ? -1 : a.entity_id < b.entity_id ? -1 : 1));
  }

  return { store, outputs, nights, runs, operatorActions, groundTruth: groundTruth(season, up, store, now), failureCauses };
}

function notesTime(us: Micros): string {
  return `${isoMicros(us).slice(0, 19).replace("T", " ")} UTC`;
}

// ---------------------------------------------------------------------------------------------
// Ground truth: the active breakers at build time, judged by the console's corrected window
// rules on the data present at build time (computed here from the simulation, not by SQL).

function groundTruth(season: SimulatedSeason, up: OriginalUpstream, store: AttemptStore, now: Micros): GroundTruth {
  const truth: GroundTruth = { recovered: [], stillMissing: [], nothingMissing: [] };
  for (const k of [...store.byKey.keys()].sort()) {
    if (!store.read(k, now).active) continue;
    const latest = store.latest(k)!;
    const p = latest.processor;
    const def = getProcessor(p);
    const date = latest.analysis_date;
    const isTeam = def.entityKind === "team";
    // The console's rule: a player's team is the team of his most recent game before the date.
    const team = isTeam ? latest.entity_id : (lastBefore(up.bdlByPlayer.get(latest.entity_id), date)?.team ?? season.teamOf(latest.entity_id, date) ?? "");
    const teamGames = (up.finalDates.get(team) ?? []).filter((d) => d >= season.seasonStart && d < date);
    const inWindows = new Set<IsoDate>();
    for (const w of def.windows) {
      const games = w.kind === "games" ? teamGames.slice(-w.size) : teamGames.filter((d) => d >= addDays(date, -w.size));
      for (const d of games) inWindows.add(d);
    }
    const missing: GroundTruthKey["missing"] = [];
    const arrived: GroundTruthKey["arrivedAfterTrip"] = [];
    for (const d of [...inWindows].sort()) {
      const game = (up.gamesOn.get(d) ?? []).find((g) => g.home === team || g.away === team)!;
      const landedAt = landing(up, p, latest.entity_id, team, d, game.gameId, isTeam);
      if (landedAt === null) missing.push({ game_date: d, game_id: game.gameId });
      else if (landedAt > latest.attempted_at) arrived.push({ game_date: d, game_id: game.gameId });
    }
    const entry: GroundTruthKey = {
      processor: p, processor_name: latest.processor_name, entity_id: latest.entity_id, analysis_date: date, team, missing, arrivedAfterTrip: arrived,
    };
    if (missing.length) truth.stillMissing.push(entry);
    else if (arrived.length) truth.recovered.push(entry);
    else truth.nothingMissing.push(entry);
  }
  return truth;
}

function lastBefore(rows: readonly Landed[] | undefined, date: IsoDate): Landed | undefined {
  let last: Landed | undefined;
  for (const r of rows ?? []) if (r.date < date) last = r;
  return last;
}

/**
 * When a game's upstream rows for an entity landed (null: not yet). Teams: the defense summary
 * row. Players: the team's box score, and the player's own row when he played (a DNP counts as
 * present once the team's box score is in).
 */
function landing(up: OriginalUpstream, p: ProcessorName, entity: string, team: string, date: IsoDate, gameId: string, isTeam: boolean): Micros | null {
  if (isTeam) return up.tdgsByTeam.get(team)?.find((r) => r.date === date)?.at ?? null;
  const box = up.teamBoxLanded.get(`${team}|${gameId}`);
  if (box === undefined) return null;
  const bdl = up.bdlByPlayer.get(entity)?.find((r) => r.gameId === gameId);
  if (!bdl || bdl.dnp) return Math.max(box, bdl?.at ?? box);
  const own = p === "upcoming_player_game_context" ? bdl : up.pgsByPlayer.get(entity)?.find((r) => r.gameId === gameId);
  return own ? Math.max(box, own.at) : null;
}
