import "server-only";

import {
  type AttemptRow,
  type BreakerRowInput,
  type BreakerState,
  deriveBreakerState,
  nextAttemptRow,
  withKey,
} from "@/lib/completeness/breaker";
import { type SeasonCalendar, DEFAULT_SEASON_CALENDAR, isBootstrap, isSeasonBoundary, seasonStartFor } from "@/lib/completeness/calendar";
import { type IsoDate, addDays, instantMicros } from "@/lib/completeness/dates";
import type { Deployment } from "@/lib/completeness/deployment";
import {
  type ProcessorDef,
  type ProcessorName,
  STANDARD_COMPLETENESS_COLUMNS,
  getProcessor,
  windowColumns,
} from "@/lib/completeness/processors";
import {
  type CascadeReadiness,
  type Decision,
  type OwnReadiness,
  type ThresholdOverrides,
  cascadeReadiness,
  dataQualityIssues,
  decide,
  ownReadiness,
  thresholdFor,
  windowColumnValues,
  writtenProductionReady,
} from "@/lib/completeness/readiness";
import { type WindowGame, windowsFromGames } from "@/lib/completeness/window-games";
import { type WindowResult, parseTeamGameKey, teamGameKey } from "@/lib/completeness/windows";
import { appendAttempts, keyRows } from "@/lib/queries/breakers";
import { columnTypes } from "@/lib/queries/define-insert";
import { gamesOnDate, playerGameTeams, playerWindowGames, teamWindowGames, upstreamReadiness } from "@/lib/queries/completeness";
import type { ColumnType, Statement, Warehouse } from "@/lib/warehouse/types";

/**
 * A processor run in one call: for a processor, a date and its entities, read completeness and
 * breaker state in batch, decide per entity, and return the output rows and attempt rows to
 * write — the whole decision flow of the original with its defects fixed.
 *
 * Queries per run are constant in the number of entities (the original made one breaker query
 * per entity, plus a SELECT and an INSERT per skipped one):
 *   1 window-games query (all windows, all entities) · 1 breaker read (all keys) ·
 *   for cascade processors 1 upstream-readiness read + 1 schedule read for opponents ·
 *   1 write transaction.
 * A breaker read that fails makes the run fail: the original failed open (processed a key
 * whose breaker it could not read); here nothing is decided on unknown state.
 */

export interface RunOptions {
  processor: ProcessorName;
  /** The processor's date (analysis_date, cache_date or game_date). */
  date: IsoDate;
  /** Tricodes, player_lookups or team-game keys (`LAL_2024-12-15`), by the processor's kind. */
  entities: readonly string[];
  /** The run's time: attempts are stamped with it and cooldowns measured from it. */
  now: string;
  /**
   * The deployment the run belongs to: attempt rows carry its pipeline name for the processor
   * (the name the pipeline's breaker reader looks up), and its threshold decides readiness.
   */
  deployment: Deployment;
  /** Upstream rows that had arrived by this instant count (default: `now`). */
  observedAt?: string;
  /** An explicit backfill run: bootstrap, whatever the date. */
  backfill?: boolean;
  calendar?: SeasonCalendar;
  /** Per-processor thresholds that take precedence over the deployment's (what-if evaluations). */
  thresholds?: ThresholdOverrides;
  /** Stamped on attempt rows as batch_id, to tell runs apart in history. */
  runId?: string;
  /**
   * Each player's team on the date, when the caller knows it (rosters, the props feed). The
   * upcoming player game context records it (team_abbr, opponent_team_abbr) and cascade
   * processors read it from there; without it, a player's team is the team of his last game.
   */
  teams?: Readonly<Record<string, string>>;
  /**
   * Every reprocess_attempts row of the run's keys, when the caller has just read them (by
   * entity; a key with no rows may be absent): the run then decides on them instead of reading
   * them again.
   */
  breakerRows?: ReadonlyMap<string, BreakerRowInput[]>;
  /**
   * The window games of the run's entities, when the caller has read them for several runs at
   * once (`readSharedWindowGames`, at this run's `observedAt`): the run then counts its windows
   * from them instead of reading them again. An entity absent from the map has no games.
   */
  windowGames?: ReadonlyMap<string, readonly WindowGame[]>;
}

export interface EntityOutcome {
  entity: string;
  team: string | null;
  /** The candidate games its windows were counted from, with when their rows arrived. */
  games: readonly WindowGame[];
  windows: WindowResult[];
  primary: WindowResult;
  own: OwnReadiness;
  cascade: CascadeReadiness;
  /**
   * The upstream processors' keys (entity ids) this entity's cascade readiness was read from:
   * the player for player-level upstreams, his opponent's tricode or team-game key for team
   * ones. Empty for processors without dependencies (and for a dependency with no opponent).
   */
  cascadeKeys: Partial<Record<ProcessorName, string>>;
  bootstrap: boolean;
  /** Breaker state before this run. */
  breaker: BreakerState;
  decision: Decision;
  /** The completeness an attempt of this key records (whether or not this run appends one). */
  attemptPct: number | null;
  /** The row appended to reprocess_attempts, if any. */
  attempt: AttemptRow | null;
  /** Breaker state with that row appended. */
  after: BreakerState;
  /** The output-table row (processed and skipped entities alike: the reason says which). */
  output: Record<string, unknown>;
}

export interface ProcessorRun {
  processor: ProcessorName;
  date: IsoDate;
  outcomes: EntityOutcome[];
  /** Warehouse reads this evaluation made. */
  reads: number;
  /**
   * What the breaker read returned for the run's keys (every row, all kinds): how many, and the
   * latest attempted_at exactly as stored (null: none). A write that appends attempts later
   * guards on these, so it is never numbered from a stale read.
   */
  breakerRead: { rowCount: number; lastAttemptAt: string | null };
}

/** The entity's team for the window query: the tricode, or the team of a team-game key. */
function teamOfEntity(def: Pick<ProcessorDef, "entityKind">, entity: string, date: IsoDate): string {
  if (def.entityKind === "team") return entity;
  const key = parseTeamGameKey(entity);
  if (!key || key.gameDate !== date) throw new RangeError(`${entity} is not a team-game key for ${date}`);
  return key.team;
}

/** Append to a grouped list (in place: copying the list per row made grouping quadratic). */
function push<T>(groups: Map<string, T[]>, key: string, value: T): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

type WindowRead = Pick<RunOptions, "date" | "entities" | "now" | "observedAt">;

async function readWindowGames(wh: Warehouse, def: Pick<ProcessorDef, "windows" | "entityKind" | "upstream">, opts: WindowRead, seasonStart: IsoDate): Promise<Map<string, WindowGame[]>> {
  const maxGames = Math.max(0, ...def.windows.filter((w) => w.kind === "games").map((w) => w.size));
  const maxDays = Math.max(0, ...def.windows.filter((w) => w.kind === "days").map((w) => w.size));
  const common = {
    analysis_date: opts.date,
    season_start: seasonStart,
    days_from: addDays(opts.date, -maxDays),
    max_games: maxGames,
    observed_at: opts.observedAt ?? opts.now,
  };
  const byEntity = new Map<string, WindowGame[]>();
  if (def.entityKind === "player") {
    const rows = await playerWindowGames.run(wh, { ...common, players: [...opts.entities] }, { upstream_table: def.upstream.table });
    for (const r of rows) push(byEntity, r.entity_id, r);
    return byEntity;
  }
  const teams = [...new Set(opts.entities.map((e) => teamOfEntity(def, e, opts.date)))];
  const rows = await teamWindowGames.run(wh, {
    ...common,
    teams,
    presence_from_schedule: def.upstream.kind === "schedule",
  });
  const byTeam = new Map<string, WindowGame[]>();
  for (const r of rows) push(byTeam, r.team, r);
  for (const e of opts.entities) byEntity.set(e, byTeam.get(teamOfEntity(def, e, opts.date)) ?? []);
  return byEntity;
}

/**
 * The window games of several processors' runs of one date in one read: processors of one entity
 * kind measured on the same upstream table, over all their windows, for all their entities, as
 * the upstream stood at `observedAt`. Each run takes the map as its `windowGames`, with the same
 * `observedAt` (a window counts only its own games from the rows: windowsFromGames). An
 * orchestrator running a night's processors on one snapshot of the upstream reads it once.
 */
export async function readSharedWindowGames(
  wh: Warehouse,
  processors: readonly ProcessorName[],
  read: { date: IsoDate; entities: readonly string[]; observedAt: string; calendar?: SeasonCalendar },
): Promise<Map<string, WindowGame[]>> {
  const defs = processors.map(getProcessor);
  const [first] = defs;
  if (!first || defs.some((d) => d.entityKind !== first.entityKind || d.upstream.table !== first.upstream.table)) {
    throw new RangeError(`Processors ${processors.join(", ")} are not measured on one upstream table for one kind of entity`);
  }
  if (read.entities.length === 0) return new Map();
  const seasonStart = seasonStartFor(read.date, read.calendar ?? DEFAULT_SEASON_CALENDAR);
  const merged = { entityKind: first.entityKind, upstream: first.upstream, windows: defs.flatMap((d) => d.windows) };
  return readWindowGames(wh, merged, { ...read, now: read.observedAt }, seasonStart);
}

async function readBreakerStates(wh: Warehouse, def: ProcessorDef, opts: RunOptions): Promise<Map<string, BreakerRowInput[]>> {
  const rows = await keyRows.run(wh, {
    processor_names: [def.name, ...def.aliases],
    date_from: opts.date,
    date_to: opts.date,
    entity_ids: [...opts.entities],
  });
  const byEntity = new Map<string, BreakerRowInput[]>();
  for (const r of rows) push(byEntity, r.entity_id, r);
  return byEntity;
}

/**
 * Upstream processors' readiness per entity. Player-level upstreams are looked up for the
 * player; team-level ones for the player's opponent that day (as the original's cascade did),
 * team-game ones for the opponent's team-game key.
 */
async function readCascade(
  wh: Warehouse,
  def: ProcessorDef,
  opts: RunOptions,
  teamOf: (entity: string) => string | null,
): Promise<{
  lookup: (entity: string) => Partial<Record<ProcessorName, boolean | null>>;
  keys: (entity: string) => Partial<Record<ProcessorName, string>>;
  reads: number;
}> {
  if (def.dependsOn.length === 0) return { lookup: () => ({}), keys: () => ({}), reads: 0 };
  const [opponent, recorded] = await Promise.all([
    opponentsOn(wh, opts.date),
    def.entityKind === "player"
      ? playerGameTeams.run(wh, { game_date: opts.date, players: [...opts.entities] })
      : Promise.resolve([]),
  ]);
  const recordedTeam = new Map(recorded.map((r) => [r.player_lookup, r]));
  const keysFor = (entity: string): Partial<Record<ProcessorName, string>> => {
    const row = recordedTeam.get(entity);
    const team = opts.teams?.[entity] ?? row?.team_abbr ?? teamOf(entity);
    const opp = (team ? opponent.get(team) : undefined) ?? row?.opponent_team_abbr ?? undefined;
    const keys: Partial<Record<ProcessorName, string>> = {};
    for (const dep of def.dependsOn.map(getProcessor)) {
      if (dep.entityKind === "player") keys[dep.name] = entity;
      else if (opp) keys[dep.name] = dep.entityKind === "team" ? opp : teamGameKey(opp, opts.date);
    }
    return keys;
  };
  const ids = new Set<string>();
  for (const e of opts.entities) for (const id of Object.values(keysFor(e))) ids.add(id!);
  const rows = await upstreamReadiness.run(wh, { date_from: opts.date, date_to: opts.date, entity_ids: [...ids] });
  const ready = new Map(rows.map((r) => [`${r.processor}|${r.entity_id}`, r.is_production_ready]));
  return {
    reads: def.entityKind === "player" ? 3 : 2,
    keys: keysFor,
    lookup: (entity) => {
      const out: Partial<Record<ProcessorName, boolean | null>> = {};
      for (const [dep, id] of Object.entries(keysFor(entity))) out[dep as ProcessorName] = ready.get(`${dep}|${id}`) ?? null;
      return out;
    },
  };
}

/** Each team's opponent in the games scheduled on a date. */
async function opponentsOn(wh: Warehouse, date: IsoDate): Promise<Map<string, string>> {
  const games = await gamesOnDate.run(wh, { game_date: date });
  const opponent = new Map<string, string>();
  for (const g of games) {
    opponent.set(g.home_team_tricode, g.away_team_tricode);
    opponent.set(g.away_team_tricode, g.home_team_tricode);
  }
  return opponent;
}

/** Read everything a run needs and decide every entity. Writes nothing. */
export async function evaluateProcessorRun(wh: Warehouse, opts: RunOptions): Promise<ProcessorRun> {
  const def = getProcessor(opts.processor);
  const calendar = opts.calendar ?? DEFAULT_SEASON_CALENDAR;
  if (opts.entities.length === 0) return { processor: def.name, date: opts.date, outcomes: [], reads: 0, breakerRead: { rowCount: 0, lastAttemptAt: null } };
  const seasonStart = seasonStartFor(opts.date, calendar);
  const threshold = thresholdFor(def, { [def.name]: opts.deployment[def.name].threshold, ...opts.thresholds });
  const bootstrap = isBootstrap(opts.date, { calendar, backfill: opts.backfill });

  const [games, breakerRows] = await Promise.all([
    opts.windowGames ?? readWindowGames(wh, def, opts, seasonStart),
    opts.breakerRows ?? readBreakerStates(wh, def, opts),
  ]);
  const teamOf = (entity: string) =>
    def.entityKind === "player" ? (games.get(entity)?.[0]?.team ?? null) : teamOfEntity(def, entity, opts.date);
  const [cascadeData, opponents] = await Promise.all([
    readCascade(wh, def, opts, teamOf),
    // The upcoming player game context records each player's team and opponent for the date.
    def.name === "upcoming_player_game_context" ? opponentsOn(wh, opts.date) : Promise.resolve(null),
  ]);

  const outcomes = opts.entities.map((entity): EntityOutcome => {
    const entityGames = games.get(entity) ?? [];
    const { team, windows } = windowsFromGames(entityGames, def.windows, opts.date, seasonStart);
    const primary = windows.find((w) => w.id === def.primaryWindow)!;
    const own = ownReadiness({ windows }, threshold);
    const cascade = cascadeReadiness(def, cascadeData.lookup(entity));
    const rows = breakerRows.get(entity) ?? [];
    const breaker = deriveBreakerState(rows, opts.now);
    const decision = decide({ own, cascade, bootstrap, breaker, multiWindow: def.multiWindow });

    // Completeness recorded on a failed attempt: the figure that blocked it (the lowest window
    // with games) for own-data skips, else the primary window.
    const blocking = windows.filter((w) => own.blockingWindows.includes(w.id) && w.pctRounded !== null);
    const attemptPct =
      decision.action === "skip_incomplete" && blocking.length
        ? Math.min(...blocking.map((w) => w.pctRounded!))
        : primary.pctRounded;
    // Written under the name the deployment's pipeline reads, or its breaker would never see it.
    const key = { processor_name: opts.deployment[def.name].pipelineName, entity_id: entity, analysis_date: opts.date };
    const draft = decision.action === "skip_breaker_active"
      ? null
      : nextAttemptRow(breaker, {
          now: opts.now,
          completenessPct: attemptPct,
          skipReason: decision.skipReason,
          ok: !decision.countsAsFailure,
          batchId: opts.runId ?? null,
        });
    const attempt = draft ? withKey(key, draft) : null;
    const after = attempt ? deriveBreakerState([...rows, attempt], opts.now) : breaker;
    const output = outputRow(def, entity, opts, {
      team: opts.teams?.[entity] ?? team,
      opponents,
      primary,
      windows,
      threshold,
      decision,
      issues: dataQualityIssues(own, cascade),
      bootstrap,
      after,
    });
    return { entity, team, games: entityGames, windows, primary, own, cascade, cascadeKeys: cascadeData.keys(entity), bootstrap, breaker, decision, attemptPct, attempt, after, output };
  });
  return {
    processor: def.name,
    date: opts.date,
    outcomes,
    reads: (opts.windowGames ? 0 : 1) + (opts.breakerRows ? 0 : 1) + cascadeData.reads + (opponents ? 1 : 0),
    breakerRead: latestOf([...breakerRows.values()].flat()),
  };
}

/** How many breaker rows were read, and the latest attempted_at among them as stored. */
export function latestOf(rows: readonly Pick<BreakerRowInput, "attempted_at">[]): ProcessorRun["breakerRead"] {
  let last: string | null = null;
  for (const r of rows) if (last === null || instantMicros(r.attempted_at) > instantMicros(last)) last = r.attempted_at;
  return { rowCount: rows.length, lastAttemptAt: last };
}

function outputRow(
  def: ProcessorDef,
  entity: string,
  opts: RunOptions,
  f: {
    team: string | null;
    opponents: Map<string, string> | null;
    primary: WindowResult;
    windows: WindowResult[];
    threshold: number;
    decision: Decision;
    issues: string[];
    bootstrap: boolean;
    after: BreakerState;
  },
): Record<string, unknown> {
  const keyColumns: Record<string, unknown> =
    def.entityKind === "team_game"
      ? { team_abbr: teamOfEntity(def, entity, opts.date) }
      : { [def.entityColumn]: entity };
  if (def.name === "player_composite_factors") keyColumns.analysis_date = opts.date;
  if (f.opponents) {
    keyColumns.team_abbr = f.team;
    keyColumns.opponent_team_abbr = f.team ? (f.opponents.get(f.team) ?? null) : null;
  }
  const row: Record<string, unknown> = {
    ...keyColumns,
    [def.dateColumn]: opts.date,
    // When the row was written, in every column the table has for it (the feature store has
    // created_at/updated_at and no processed_at).
    ...Object.fromEntries(def.writtenAt.map((c) => [c, opts.now])),
    expected_games_count: f.primary.expected,
    actual_games_count: f.primary.actual,
    completeness_percentage: f.primary.pctRounded,
    missing_games_count: f.primary.missing,
    is_production_ready: writtenProductionReady(f.decision),
    data_quality_issues: f.issues,
    last_reprocess_attempt_at: f.after.lastAttemptAt,
    reprocess_attempt_count: f.after.attemptCount,
    circuit_breaker_active: f.after.status === "active",
    circuit_breaker_until: f.after.status === "active" ? f.after.until : null,
    // A tripped key waits for its cooldown or an operator: the original always wrote FALSE.
    manual_override_required: f.after.status === "active",
    season_boundary_detected: isSeasonBoundary(opts.date),
    backfill_bootstrap_mode: f.bootstrap,
    processing_decision_reason: f.decision.reason,
  };
  if (def.multiWindow) {
    const values = windowColumnValues({ windows: f.windows }, f.threshold);
    for (const w of def.windows) {
      row[`${w.id}_completeness_pct`] = values.windows[w.id]!.completenessPct;
      row[`${w.id}_is_complete`] = values.windows[w.id]!.isComplete;
    }
    row.all_windows_complete = values.allWindowsComplete;
  }
  return row;
}

/** The output table's columns a run writes (from the registry), typed as the table's DDL declares them. */
export function outputColumns(def: ProcessorDef): Record<string, ColumnType> {
  const names = [
    def.entityColumn,
    def.dateColumn,
    ...def.writtenAt,
    ...(def.name === "player_composite_factors" ? ["analysis_date"] : []),
    ...(def.name === "upcoming_player_game_context" ? ["team_abbr", "opponent_team_abbr"] : []),
    ...STANDARD_COMPLETENESS_COLUMNS.map((c) => c.name),
    ...windowColumns(def).map((c) => c.name),
  ];
  return columnTypes(def.table, [...new Set(names)]);
}

/** The statements that record a run: its output rows and its attempt rows, together. */
export function runStatements(run: ProcessorRun): Statement[] {
  const def = getProcessor(run.processor);
  const attempts = run.outcomes.flatMap((o) => (o.attempt ? [o.attempt] : []));
  const statements: Statement[] = [{ insert: def.table, columns: outputColumns(def), rows: run.outcomes.map((o) => o.output) }];
  if (attempts.length) statements.push(appendAttempts.statement(attempts));
  return statements;
}

/** Evaluate and record a run (one write transaction). */
export async function runProcessor(wh: Warehouse, opts: RunOptions): Promise<ProcessorRun & { writes: number }> {
  const run = await evaluateProcessorRun(wh, opts);
  if (run.outcomes.length === 0) return { ...run, writes: 0 };
  await wh.transaction(runStatements(run), { label: `run_${run.processor}` });
  return { ...run, writes: 1 };
}
