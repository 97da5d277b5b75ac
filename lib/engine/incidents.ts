import "server-only";

import { type BreakerRowInput, type BreakerState, type OverrideOutcome, deriveBreakerState } from "@/lib/completeness/breaker";
import { type SeasonCalendar, DEFAULT_SEASON_CALENDAR, seasonStartFor } from "@/lib/completeness/calendar";
import { type IsoDate, addDays, addDaysToInstant, instantMicros, toIsoInstant } from "@/lib/completeness/dates";
import type { Deployment } from "@/lib/completeness/deployment";
import {
  type IncidentDetail,
  type IncidentKeyRef,
  type FailedWindow,
  type KeyCause,
  type KeyStreak,
  type MissingRow,
  missingRowId,
  groupIncidents,
  incidentKeyString,
  keyStreak,
  outageDates,
  streakOutcome,
} from "@/lib/completeness/incidents";
import { type ProcessorName, getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import { ownReadiness, thresholdFor } from "@/lib/completeness/readiness";
import { asObservedAt, windowsFromGames } from "@/lib/completeness/window-games";
import { parseTeamGameKey } from "@/lib/completeness/windows";
import { incidentDataVersion, incidentGameArrivals, incidentReadySince, incidentScopeRows } from "@/lib/queries/incidents";
import { activeBreakerDates, activeBreakers } from "@/lib/queries/monitoring";
import type { Warehouse } from "@/lib/warehouse/types";

import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyString } from "./breaker-writes";
import { dataRecovered } from "./bulk-selection";
import { readProcessedAt } from "./override-outcomes";
import { type EntityOutcome, evaluateProcessorRun } from "./run-processor";
import { pooled } from "./pooled";

/**
 * Incidents: the failing and tripped breaker keys of the last 30 days grouped by what they were
 * missing when they failed (the grouping rules are pure, in lib/completeness/incidents.ts).
 *
 * Reads, constant in the number of keys:
 *   1 scope read (every row of every key that failed in the last 30 days) ·
 *   per (processor, analysis date) of those keys ONE evaluation at `now` — the same one the bulk
 *   override's live recheck makes — whose window rows carry when each upstream row arrived, so
 *   what the key's windows held at the moment it first failed comes from the same read ·
 *   1 read of when upstream keys' outputs became ready (cascade keys' waits) ·
 *   1 read of every final game's arrival per box-score table (outage dates) ·
 *   1 read of the breakers active now (those no incident explains).
 * The result is reused while the data version (a cheap fingerprint of the rows it is computed
 * from) is unchanged: `cachedIncidents`.
 */

/** How far back a failure puts a key in scope. */
export const INCIDENT_SCOPE_DAYS = 30;
/**
 * Analysis dates read before the scope's start: a key is retried (and fails again) up to the
 * orchestrator's retry horizon (21 days) after its date, and its rows are kept whole.
 */
const DATE_LOOKBACK_DAYS = INCIDENT_SCOPE_DAYS + 30;
/** Upstream rows read before the earliest analysis date: the longest window (30 days, or 15 games). */
const GAMES_LOOKBACK_DAYS = 45;
/** Evaluations run at once: the warehouse's pool is shared with page reads. */
const CONCURRENCY = 3;

export interface IncidentContext {
  /** The instant incidents are evaluated at (breaker state, the 30-day scope, the live recheck). */
  now: string;
  /** Only keys whose analysis date is on or before it (default: every key up to a week after `now`). */
  asOf?: IsoDate;
  deployment: Deployment;
  calendar?: SeasonCalendar;
}

export interface IncidentsResult {
  now: string;
  incidents: IncidentDetail[];
  /** Breakers active at `now` that no incident explains (e.g. tripped before the scope). */
  unexplained: number;
}

/** A key as read, with what it was missing when it first failed and what its data holds now. */
interface KeyInput extends IncidentKeyRef {
  /** Its streak, the outcome of the streak's latest override, and its state, at the read (no row is later: see assembleIncidents). */
  streak: KeyStreak;
  outcome: OverrideOutcome | null;
  state: BreakerState;
  missing: MissingRow[];
  windows: FailedWindow[];
  threshold: number;
  waits_for: IncidentKeyRef[];
  /** The live recheck at the computation's `now`. */
  recovered: boolean;
  still_missing: string | null;
}

/** Everything incidents are assembled from: what the reads returned, kept while the data version holds. */
export interface IncidentInputs {
  /** The instant the reads were made at. */
  readAt: string;
  keys: KeyInput[];
  /** `table|date` → earliest arrival (µs) of any team box score of that date; null: none; -Infinity: unrecorded. */
  earliestArrival: Map<string, number | null>;
  gameDates: IsoDate[];
  /** Breakers active at readAt, with their cooldown ends (later `now`s drop the expired ones). */
  active: { key: string; until: string }[];
  reads: number;
}

const dateOf = (instant: string): IsoDate => toIsoInstant(instant).slice(0, 10);

const ARRIVAL_COLUMNS: Readonly<Record<string, "pgs" | "bdl" | "tdgs">> = {
  "nba_analytics.player_game_summary": "pgs",
  "nba_raw.bdl_player_boxscores": "bdl",
  "nba_analytics.team_defense_game_summary": "tdgs",
};

type KeyCauseMemo = Pick<KeyInput, "missing" | "windows" | "threshold" | "waits_for">;
/** Per (deployment, calendar, key, first failure): what the key was missing then. Bounded; oldest forgotten first. */
const causeMemo = new Map<string, KeyCauseMemo>();
const MAX_CAUSES = 200_000;
function rememberCause(key: string, cause: KeyCauseMemo): void {
  causeMemo.set(key, cause);
  if (causeMemo.size > MAX_CAUSES) for (const k of [...causeMemo.keys()].slice(0, MAX_CAUSES / 10)) causeMemo.delete(k);
}
const causeSlot = (ctx: IncidentContext) => JSON.stringify([ctx.deployment, ctx.calendar ?? null]);

/** What a key's windows were missing at `at` (own-data failures): the blocking windows and their missing games. */
function missingAt(
  processor: ProcessorName,
  outcome: EntityOutcome,
  date: IsoDate,
  at: string,
  ctx: IncidentContext,
): { missing: MissingRow[]; windows: FailedWindow[]; threshold: number } {
  const def = getProcessor(processor);
  const seasonStart = seasonStartFor(date, ctx.calendar ?? DEFAULT_SEASON_CALENDAR);
  const threshold = thresholdFor(def, { [def.name]: ctx.deployment[def.name].threshold });
  const then = outcome.games.map((g) => asObservedAt(g, at));
  const { windows } = windowsFromGames(then, def.windows, date, seasonStart);
  const blocking = new Set(ownReadiness({ windows }, threshold).blockingWindows);
  const byGame = new Map(then.map((g) => [g.game_id, g]));
  const rows = new Map<string, MissingRow>();
  const failed: FailedWindow[] = [];
  for (const w of windows) {
    if (!blocking.has(w.id)) continue;
    const ids: string[] = [];
    for (const m of w.missingGames) {
      const g = byGame.get(m.game_id)!;
      const player = def.entityKind === "player" && g.team_box_present ? outcome.entity : null;
      const row = { table: def.upstream.table, game_id: m.game_id, game_date: m.game_date, team: g.team, player };
      rows.set(m.game_id, row);
      ids.push(missingRowId(row));
    }
    failed.push({ expected: w.expected, actual: w.actual, missing: ids });
  }
  const missing = [...rows.values()].sort((a, b) => (a.game_date < b.game_date ? -1 : a.game_date > b.game_date ? 1 : a.game_id < b.game_id ? -1 : 1));
  return { missing, windows: failed, threshold };
}

/** What is still missing now, in words (null when the data has recovered). */
function stillMissing(processor: ProcessorName, outcome: EntityOutcome): string | null {
  if (dataRecovered(outcome)) return null;
  const parts: string[] = [];
  const blocking = new Set(outcome.own.blockingWindows);
  const dates = [...new Set(outcome.windows.filter((w) => blocking.has(w.id)).flatMap((w) => w.missingGames.map((g) => g.game_date)))].sort();
  if (dates.length) parts.push(`${getProcessor(processor).upstream.table}: ${dates.length === 1 ? "1 game" : `${dates.length} games`} (${dates.join(", ")})`);
  if (!outcome.cascade.ready) parts.push(`upstream not ready: ${outcome.cascade.notReady.join(", ")}`);
  return parts.join("; ") || "below threshold";
}

/** Read everything incidents at `ctx.now` are computed from. */
export async function loadIncidentInputs(wh: Warehouse, ctx: IncidentContext): Promise<IncidentInputs> {
  const now = toIsoInstant(ctx.now);
  const today = dateOf(now);
  const failedFrom = addDaysToInstant(now, -INCIDENT_SCOPE_DAYS);
  const dateTo = ctx.asOf ?? addDays(today, 7);
  const rows = await incidentScopeRows.run(wh, { date_from: addDays(today, -DATE_LOOKBACK_DAYS), date_to: dateTo, failed_from: failedFrom, now });
  let reads = 1;

  // Keys by canonical processor; every alias's rows are the same key.
  const byKey = new Map<string, { ref: IncidentKeyRef; rows: BreakerRowInput[] }>();
  for (const r of rows) {
    const processor = resolveProcessorName(r.processor);
    if (!processor) continue;
    if (getProcessor(processor).entityKind === "team_game" && parseTeamGameKey(r.entity_id)?.gameDate !== r.analysis_date) continue;
    const ref = { processor, entity_id: r.entity_id, analysis_date: r.analysis_date };
    const k = incidentKeyString(ref);
    const entry = byKey.get(k);
    if (entry) entry.rows.push(r);
    else byKey.set(k, { ref, rows: [r] });
  }
  const scoped = [...byKey.values()].flatMap((e) => {
    const streak = keyStreak(e.rows, now);
    return streak && instantMicros(streak.last.attempted_at) >= instantMicros(failedFrom) ? [{ ...e, streak }] : [];
  });

  // What each key was missing when it first failed never changes (rows are appended, and their
  // arrival times with them): known causes are reused across data versions. Evaluations at `now`
  // are needed for the keys still open (the live recheck) and the keys whose cause is not known.
  const slot = causeSlot(ctx);
  const known = (k: (typeof scoped)[number]) => causeMemo.get(`${slot}|${incidentKeyString(k.ref)}|${k.streak.first.attempted_at}`);
  const needsRun = (k: (typeof scoped)[number]) => deriveBreakerState(k.rows, now).status !== "closed" || !known(k);

  // One evaluation per (processor, date): the live recheck, and the window rows with arrival times.
  const groups = new Map<string, typeof scoped>();
  for (const k of scoped.filter(needsRun)) {
    const g = `${k.ref.processor}|${k.ref.analysis_date}`;
    const list = groups.get(g);
    if (list) list.push(k);
    else groups.set(g, [k]);
  }
  const runs = await pooled([...groups.values()], CONCURRENCY, (members) =>
    evaluateProcessorRun(wh, {
      processor: members[0]!.ref.processor,
      date: members[0]!.ref.analysis_date,
      entities: members.map((m) => m.ref.entity_id),
      breakerRows: new Map(members.map((m) => [m.ref.entity_id, m.rows])),
      now,
      observedAt: now,
      deployment: ctx.deployment,
      calendar: ctx.calendar,
    }),
  );
  const outcomes = new Map<string, EntityOutcome>();
  for (const run of runs) {
    reads += run.reads;
    for (const o of run.outcomes) outcomes.set(incidentKeyString({ processor: run.processor, entity_id: o.entity, analysis_date: run.date }), o);
  }

  // Cascade failures: which upstream keys were not ready when the key failed.
  const cascadeFailures = scoped.filter((k) => !known(k) && k.streak.first.skip_reason === "incomplete_upstream_dependencies");
  const upstreamIds = new Set<string>();
  for (const k of cascadeFailures) for (const id of Object.values(outcomes.get(incidentKeyString(k.ref))?.cascadeKeys ?? {})) upstreamIds.add(id!);
  const readySince = new Map<string, { since: number | null; ever: boolean }>();
  if (upstreamIds.size) {
    const dates = cascadeFailures.map((k) => k.ref.analysis_date).sort();
    const ready = await incidentReadySince.run(wh, { date_from: dates[0]!, date_to: dates.at(-1)!, entity_ids: [...upstreamIds] });
    reads++;
    for (const r of ready) readySince.set(`${r.processor}|${r.entity_id}|${r.date}`, { since: r.ready_since === null ? null : instantMicros(r.ready_since), ever: r.ever_ready });
  }

  // The original's processors write no success row: an override they honoured shows as the key's
  // output written as processed after it. Read only for keys overridden during their streak.
  const overridden = scoped.filter((k) => streakOutcome(k.rows, k.streak) !== null).map((k) => k.ref);
  const processedAt = overridden.length ? await readProcessedAt(wh, overridden, now) : new Map<string, string>();
  if (overridden.length) reads += new Set(overridden.map((k) => k.processor)).size;

  const keys: KeyInput[] = scoped.map((k) => {
    const id = incidentKeyString(k.ref);
    const outcome = outcomes.get(id);
    const at = k.streak.first.attempted_at;
    const memoKey = `${slot}|${id}|${at}`;
    let cause = causeMemo.get(memoKey);
    if (!cause) {
      let own: ReturnType<typeof missingAt> = { missing: [], windows: [], threshold: 0 };
      const waits: IncidentKeyRef[] = [];
      if (k.streak.first.skip_reason === "incomplete_upstream_dependencies") {
        const atUs = instantMicros(at);
        for (const [dep, entity] of Object.entries(outcome!.cascadeKeys) as [ProcessorName, string][]) {
          const r = readySince.get(`${dep}|${entity}|${k.ref.analysis_date}`);
          const readyThen = r !== undefined && (r.since === null ? r.ever : r.since <= atUs);
          if (!readyThen) waits.push({ processor: dep, entity_id: entity, analysis_date: k.ref.analysis_date });
        }
      } else {
        own = missingAt(k.ref.processor, outcome!, k.ref.analysis_date, at, ctx);
      }
      cause = { ...own, waits_for: waits };
      rememberCause(memoKey, cause);
    }
    // A key closed now is not rechecked: its recovery is not shown (see assembleIncidents).
    return {
      ...k.ref,
      streak: k.streak,
      outcome: streakOutcome(k.rows, k.streak, processedAt.get(keyString(k.ref)) ?? null),
      state: deriveBreakerState(k.rows, now),
      ...cause,
      recovered: outcome ? dataRecovered(outcome) : false,
      still_missing: outcome ? stillMissing(k.ref.processor, outcome) : null,
    };
  });

  // Outage dates need every final game of a date: one read of the games' arrivals.
  const gapDates = keys.flatMap((k) => k.missing.map((m) => m.game_date)).sort();
  const earliestArrival = new Map<string, number | null>();
  const gameDates: IsoDate[] = [];
  if (gapDates.length) {
    const arrivals = await incidentGameArrivals.run(wh, { date_from: gapDates[0]!, date_to: gapDates.at(-1)!, now });
    reads++;
    const dates = new Set<IsoDate>();
    for (const a of arrivals) {
      dates.add(a.game_date);
      for (const [table, col] of Object.entries(ARRIVAL_COLUMNS)) {
        const present = a[`${col}_present`];
        const arrived = a[`${col}_arrived_at`];
        const us = !present ? null : arrived === null ? Number.NEGATIVE_INFINITY : instantMicros(arrived);
        const k = `${table}|${a.game_date}`;
        const prev = earliestArrival.get(k);
        if (prev === undefined || (us !== null && (prev === null || us < prev))) earliestArrival.set(k, us);
      }
    }
    gameDates.push(...[...dates].sort());
  }

  const active = await activeBreakers.run(wh, { ...activeBreakerDates(now), now });
  reads++;
  return {
    readAt: now,
    keys,
    earliestArrival,
    gameDates,
    active: active.flatMap((r) => {
      const processor = resolveProcessorName(r.processor);
      return processor ? [{ key: incidentKeyString({ processor, entity_id: r.entity_id, analysis_date: r.analysis_date }), until: r.breaker_until }] : [];
    }),
    reads,
  };
}

/**
 * Incidents at `now` from inputs read at or before it (pure): the 30-day scope and each key's
 * state at `now`, then the grouping. Valid when no breaker row is stamped after the read (the
 * data version says so): a key's streak and override outcome are then what they were at the
 * read, and its state differs only where a cooldown ended in between (active → half-open).
 */
export function assembleIncidents(inputs: IncidentInputs, now: string): IncidentsResult {
  return assemble(inputs, now).result;
}

const SCOPE_US = INCIDENT_SCOPE_DAYS * 86_400_000_000;

/**
 * The assembly, and until when it stays exactly right for later `now`s on the same inputs: the
 * first instant a key leaves the 30-day scope or a cooldown in force ends.
 */
function assemble(inputs: IncidentInputs, now: string): { result: IncidentsResult; validUntilUs: number } {
  const nowIso = toIsoInstant(now);
  const nowUs = instantMicros(nowIso);
  const fromUs = nowUs - SCOPE_US;
  let validUntilUs = Number.POSITIVE_INFINITY;
  const causes: KeyCause[] = [];
  for (const k of inputs.keys) {
    const lastUs = instantMicros(k.streak.last.attempted_at);
    if (lastUs < fromUs) continue;
    validUntilUs = Math.min(validUntilUs, lastUs + SCOPE_US);
    const untilUs = k.state.status === "active" && k.state.until !== null ? instantMicros(k.state.until) : null;
    const cooled = untilUs !== null && untilUs <= nowUs;
    if (untilUs !== null && !cooled) validUntilUs = Math.min(validUntilUs, untilUs);
    const state = cooled ? "half_open" : k.state.status;
    const open = state !== "closed";
    causes.push({
      processor: k.processor,
      entity_id: k.entity_id,
      analysis_date: k.analysis_date,
      state,
      recovered: open ? k.recovered : null,
      still_missing: open ? k.still_missing : null,
      outcome: k.outcome,
      failed_at: k.streak.first.attempted_at,
      tripped_at: k.streak.trips[0] ?? null,
      trips: k.streak.trips,
      missing: k.missing,
      windows: k.windows,
      threshold: k.threshold,
      waits_for: k.waits_for,
    });
  }
  const outages = outageDates(causes, (table, date) => {
    const v = inputs.earliestArrival.get(`${table}|${date}`);
    return v === undefined ? null : v;
  });
  const incidents = groupIncidents(causes, outages, inputs.gameDates);
  const explained = new Set(incidents.flatMap((i) => i.keys_list.map(incidentKeyString)));
  let unexplained = 0;
  for (const a of inputs.active) {
    const untilUs = instantMicros(a.until);
    if (untilUs <= nowUs) continue;
    validUntilUs = Math.min(validUntilUs, untilUs);
    if (!explained.has(a.key)) unexplained++;
  }
  return { result: { now: nowIso, incidents, unexplained }, validUntilUs };
}

/** Incidents at `ctx.now`, read and assembled (no reuse). */
export async function computeIncidents(wh: Warehouse, ctx: IncidentContext): Promise<IncidentsResult & { reads: number }> {
  const inputs = await loadIncidentInputs(wh, ctx);
  return { ...assembleIncidents(inputs, ctx.now), reads: inputs.reads };
}

// ---------------------------------------------------------------------------------------------
// Reuse while the data is unchanged

/** The data version: row counts and latest write instants of every source incidents read. */
export async function readIncidentDataVersion(wh: Warehouse, ctx: Pick<IncidentContext, "now" | "asOf">): Promise<{ version: string; latest: number }> {
  const today = dateOf(ctx.now);
  const dateFrom = addDays(today, -DATE_LOOKBACK_DAYS);
  const rows = await incidentDataVersion.run(wh, {
    date_from: dateFrom,
    date_to: ctx.asOf ?? addDays(today, 7),
    games_from: addDays(dateFrom, -GAMES_LOOKBACK_DAYS),
  });
  const sorted = [...rows].sort((a, b) => (a.source < b.source ? -1 : 1));
  const latest = Math.max(Number.NEGATIVE_INFINITY, ...sorted.flatMap((r) => (r.last_at ? [instantMicros(r.last_at)] : [])));
  return { version: sorted.map((r) => `${r.source}:${r.row_count}:${r.last_at ?? ""}`).join(","), latest };
}

interface CacheEntry {
  version: string;
  inputs: Promise<IncidentInputs>;
  /** The latest assembly: right for every `now` in [fromUs, validUntilUs). */
  assembled?: { result: IncidentsResult; fromUs: number; validUntilUs: number };
}

/** Read-once state per process: the latest inputs per (deployment, calendar, asOf). */
const cache = new Map<string, CacheEntry>();
const MAX_ENTRIES = 16;
/** Inputs are reused for `now`s up to this long after they were read (the scope boundary moves slowly; the assembly re-derives it). */
const REUSE_MS = 24 * 3_600_000;

export interface CachedIncidents extends IncidentsResult {
  /** The inputs were reused (no recomputation): the data version had not changed. */
  reused: boolean;
}

/**
 * Incidents at `ctx.now`, recomputed only when the data changed. The data version is read first
 * (one cheap query); inputs read at an earlier `now` under the same version are reused when
 * nothing in the data is later than that read (so reading again would see the same rows) and
 * `now` is at most a day later; the assembly then re-derives state and scope at `now`.
 * Concurrent callers share one computation (the cached promise); a failed one is not kept.
 */
export async function cachedIncidents(wh: Warehouse, ctx: IncidentContext): Promise<CachedIncidents> {
  const now = toIsoInstant(ctx.now);
  const { version, latest } = await readIncidentDataVersion(wh, { now, asOf: ctx.asOf });
  const slot = JSON.stringify([ctx.asOf ?? null, ctx.deployment, ctx.calendar ?? null]);
  const entry = cache.get(slot);
  if (entry && entry.version === version) {
    const inputs = await entry.inputs.catch(() => null);
    if (inputs) {
      const readUs = instantMicros(inputs.readAt);
      const nowUs = instantMicros(now);
      if (latest <= readUs && readUs <= nowUs && nowUs - readUs <= REUSE_MS * 1000) {
        const last = entry.assembled;
        if (last && last.fromUs <= nowUs && nowUs < last.validUntilUs) return { ...last.result, now, reused: true };
        const { result, validUntilUs } = assemble(inputs, now);
        entry.assembled = { result, fromUs: nowUs, validUntilUs };
        return { ...result, reused: true };
      }
    }
  }
  const inputs = loadIncidentInputs(wh, { ...ctx, now });
  const fresh: CacheEntry = { version, inputs };
  cache.delete(slot);
  cache.set(slot, fresh);
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  inputs.catch(() => {
    if (cache.get(slot)?.inputs === inputs) cache.delete(slot);
  });
  const { result, validUntilUs } = assemble(await inputs, now);
  fresh.assembled = { result, fromUs: instantMicros(now), validUntilUs };
  return { ...result, reused: false };
}

/** Forget cached inputs and causes (tests, and measurements of a cold computation). */
export function clearIncidentCache(): void {
  cache.clear();
  causeMemo.clear();
}

/**
 * The active keys of an incident whose data has recovered (the live recheck, the bulk override's
 * "only recovered" definition): what "override the keys whose data has recovered" previews.
 */
export async function incidentRecoveredKeys(wh: Warehouse, id: string, ctx: IncidentContext): Promise<BreakerKeyRef[]> {
  const { incidents } = await cachedIncidents(wh, ctx);
  const incident = incidents.find((i) => i.id === id);
  if (!incident) return [];
  return incident.keys_list
    .filter((k) => k.state === "active" && k.recovered === true)
    .map((k) => ({ processor: k.processor, entity_id: k.entity_id, analysis_date: k.analysis_date }));
}
