import "server-only";

import { type Actor, requireRole } from "@/lib/auth/session";
import { cache } from "react";
import { z } from "zod";

import { type BreakerRowInput, type OverrideResultRow, eventOf, sortAttempts } from "@/lib/completeness/breaker";
import type { SeasonCalendar } from "@/lib/completeness/calendar";
import { verdictOf } from "@/lib/completeness/entity-verdict";
import { type Deployment, overrideConsequence } from "@/lib/completeness/deployment";
import { type IsoDate, addDays, daysBetween, instantMicros, isIsoDate } from "@/lib/completeness/dates";
import { type EntityKind, type ProcessorDef, type ProcessorName, type WindowSpec, getProcessor } from "@/lib/completeness/processors";
import type { DecisionAction } from "@/lib/completeness/readiness";
import { teamGameKey, type WindowResult, windowFigures } from "@/lib/completeness/windows";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { keyString, readKeys } from "@/lib/engine/breaker-writes";
import { outcomesAt, readProcessedAt } from "@/lib/engine/override-outcomes";
import { type EntityOutcome, evaluateProcessorRun } from "@/lib/engine/run-processor";
import {
  type EntityOutputRow,
  entityOutputDates,
  entityOutputDatesSql,
  entityOutputs,
  entityOutputsSql,
  knownEntities,
  processorsForKind,
} from "@/lib/queries/entity";
import { getWarehouse, WarehouseError } from "@/lib/warehouse";
import type { Warehouse } from "@/lib/warehouse/types";

import { getSeasonCalendar } from "./calendar";
import { getDeployment } from "./deployment";

import { closestKnownId, KIND_LABELS, parseEntityId, suggestEntityId } from "@/lib/entities/ids";
import type {
  EntityDates,
  EntityDetail,
  EntityNotFound,
  GameView,
  LiveRecheck,
  LiveWindow,
  Part,
  ProcessorSection,
  RelatedEntity,
  StoredRow,
  TimelineEvent,
} from "@/lib/entities/view";

/**
 * The entity page's read (`/entities/<entity_id>?date=`): the original `check-completeness`
 * script done right (it filtered and counted wrong columns, printed errors as data and
 * documented ids that do not exist; what is done instead is listed below).
 *
 * For one entity and date, per processor that applies to the entity's kind:
 * - the STORED row (latest written wins) with its 14 standard columns and window columns;
 * - a LIVE recheck: the engine's own evaluation (`evaluateProcessorRun`, which writes nothing)
 *   at the current time, so completeness is recomputed from the upstream tables as they are
 *   now, with each window's missing games named (date, opponent) and DNP games listed;
 * - a verdict comparing the two: has the data arrived, is an override safe;
 * - the breaker timeline of the key (every row, in attempt order) and its state now.
 *
 * Each processor's parts fail alone: an error becomes `{ ok: false, message }` for that part
 * while the others render. Everything returned is plain and serializable.
 *
 * Where the original was wrong, and what is done instead:
 * - it filtered `analysis_date` on the four tables that lack it: each branch here filters its
 *   own partition column (lib/queries/entity.ts);
 * - it counted `team_abbr` rows in team_defense_game_summary (no such column): the live recheck
 *   is the engine's, which reads `defending_team_abbr` and counts home and away games;
 * - a BigQuery error text containing "analysis_date" passed its grep and was printed as data:
 *   errors here are typed results, never rows;
 * - its docs used `lebron_james`; real player_lookups have no separators, so such an id is
 *   refused with the normalized suggestion (`lebronjames`).
 */

// ---------------------------------------------------------------------------------------------
// URL input

/** `?date=` as the page accepts it: absent, or a real calendar date. */
export const entityDateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
  .refine(isIsoDate, "is not a calendar date");

// ---------------------------------------------------------------------------------------------
// Helpers

/** How far back (and forward from a requested date) the dates query reads. */
const DATE_SEARCH_DAYS = 400;
const RECENT_DATES_SHOWN = 60;

export function windowLabel(w: Pick<WindowSpec, "kind" | "size">): string {
  return `L${w.size} ${w.kind === "games" ? (w.size === 1 ? "game" : "games") : w.size === 1 ? "day" : "days"}`;
}

const DECISION_SUMMARIES: Record<DecisionAction, string> = {
  process: "would process it",
  process_bootstrap: "would process it in bootstrap mode (flagged, not counted as a failure)",
  process_no_games_expected: "would process it: no games expected",
  skip_breaker_active: "would skip it: the circuit breaker is active",
  skip_incomplete: "would skip it: upstream data incomplete",
  skip_upstream_not_ready: "would skip it: upstream processors not ready",
};

/** A message safe to show; the detail goes to the server log. */
function safeMessage(error: unknown, what: string): string {
  console.error(`[entity] ${what} failed`, error instanceof WarehouseError ? error.detail : error);
  if (error instanceof WarehouseError) return `${what} failed: ${error.message}`;
  if (error instanceof RangeError) return `${what} failed: ${error.message}`;
  return `${what} failed unexpectedly; the details are in the server log.`;
}

async function attempt<T>(what: string, run: () => Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, message: safeMessage(error, what) };
  }
}

function keyEntityFor(def: ProcessorDef, lookup: string, date: IsoDate): string {
  return def.entityKind === "team_game" ? teamGameKey(lookup, date) : lookup;
}

// ---------------------------------------------------------------------------------------------
// Building the parts

function storedRowOf(def: ProcessorDef, row: EntityOutputRow): StoredRow {
  const values = row as Record<string, unknown>;
  return {
    entityId: row.entity_id,
    processedAt: row.processed_at,
    expected: row.expected_games_count,
    actual: row.actual_games_count,
    completenessPct: row.completeness_percentage,
    missing: row.missing_games_count,
    productionReady: row.is_production_ready,
    dataQualityIssues: row.data_quality_issues ?? [],
    lastReprocessAttemptAt: row.last_reprocess_attempt_at,
    reprocessAttemptCount: row.reprocess_attempt_count,
    breakerActive: row.circuit_breaker_active,
    breakerUntil: row.circuit_breaker_until,
    manualOverrideRequired: row.manual_override_required,
    seasonBoundary: row.season_boundary_detected,
    bootstrap: row.backfill_bootstrap_mode,
    reason: row.processing_decision_reason,
    windows: def.multiWindow
      ? def.windows.map((w) => ({
          id: w.id,
          label: windowLabel(w),
          completenessPct: (values[`${w.id}_completeness_pct`] as number | null | undefined) ?? null,
          isComplete: (values[`${w.id}_is_complete`] as boolean | null | undefined) ?? null,
        }))
      : [],
    allWindowsComplete: def.multiWindow ? (row.all_windows_complete ?? null) : null,
  };
}

const gameView = (g: { game_id: string; game_date: IsoDate; opponent: string }): GameView => ({
  gameId: g.game_id,
  date: g.game_date,
  opponent: g.opponent,
});

function liveWindowOf(w: WindowResult, ready: boolean): LiveWindow {
  return {
    ...windowFigures(w),
    label: windowLabel(w),
    completenessPct: w.pctRounded,
    noGamesExpected: w.noGamesExpected,
    ready,
    missingGames: w.missingGames.map(gameView),
    dnpGames: w.dnpGames.map((g) => ({ ...gameView(g), reason: g.reason })),
  };
}

function liveRecheckOf(def: ProcessorDef, outcome: EntityOutcome, readAt: string): LiveRecheck {
  const readyById = new Map(outcome.own.windows.map((w) => [w.id, w.ready]));
  const missing = new Map<string, GameView>();
  for (const w of outcome.windows) for (const g of w.missingGames) missing.set(g.game_id, gameView(g));
  return {
    readAt,
    team: outcome.team,
    threshold: outcome.own.threshold,
    primaryWindow: def.primaryWindow,
    windows: outcome.windows.map((w) => liveWindowOf(w, readyById.get(w.id) ?? false)),
    ownReady: outcome.own.ready,
    blockingWindows: outcome.own.blockingWindows,
    cascade: { applies: def.dependsOn.length > 0, ready: outcome.cascade.ready, notReady: outcome.cascade.notReady },
    bootstrap: outcome.bootstrap,
    breakerStatus: outcome.breaker.status,
    decision: {
      action: outcome.decision.action,
      reason: outcome.decision.reason,
      skipReason: outcome.decision.skipReason,
      productionReady: outcome.decision.productionReady,
      summary: `If the processor ran now it ${DECISION_SUMMARIES[outcome.decision.action]}.`,
    },
    missingGames: [...missing.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.gameId < b.gameId ? -1 : 1)),
  };
}

/** `outcomes`: the key's override outcomes (`outcomesAt`), matched to override rows by instant and request id. */
function timelineOf(rows: readonly BreakerRowInput[], outcomes: readonly OverrideResultRow[] | null): TimelineEvent[] {
  return sortAttempts(rows).map((r) => {
    const event = eventOf(r);
    const result =
      event === "override"
        ? outcomes?.find((o) => instantMicros(o.at) === instantMicros(r.attempted_at) && o.request_id === (r.request_id ?? null))
        : undefined;
    return {
      attemptedAt: r.attempted_at,
      event,
      attemptNumber: r.attempt_number,
      completenessPct: r.completeness_pct,
      skipReason: r.skip_reason,
      actor: r.actor ?? null,
      actorRole: r.actor_role ?? null,
      reasonCode: r.reason_code ?? null,
      notes: r.notes,
      until: event === "trip" ? r.circuit_breaker_until : null,
      rowsRemoved: r.rows_removed ?? null,
      processorName: r.processor_name ?? null,
      outcome: result?.outcome ?? null,
      outcomeDecidedAt: result?.decided_at ?? null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The read

export interface EntityDetailOptions {
  /** Tests pass their own warehouse; the console uses the process's. */
  warehouse?: Warehouse;
  /** The reading time (default: now). The live recheck counts upstream rows that had arrived by it. */
  now?: string;
  /** Default: the calendar the data was produced with (getSeasonCalendar). */
  calendar?: SeasonCalendar;
  /** Who is reading (API routes pass theirs); default: the session of the current request. */
  actor?: Actor | null;
  /**
   * The deployment whose pipeline the verdicts speak for (default: the one in force,
   * getDeployment). Its per-processor threshold decides "ready" and "safe to override", so the
   * console agrees with the decisions the pipeline actually makes (the original code applies 90
   * at one commit and 70 at a later one).
   */
  deployment?: Deployment;
}

async function loadEntityDetail(entityId: string, date?: string, options: EntityDetailOptions = {}): Promise<EntityDetail> {
  await requireRole("viewer", options.actor);

  const parsed = parseEntityId(entityId);
  if (!parsed.ok) return { status: "invalid", input: entityId, message: parsed.message, suggestion: parsed.suggestion };
  if (date !== undefined && !entityDateParam.safeParse(date).success) {
    return { status: "invalid", input: date, message: `"${date}" is not a date: use YYYY-MM-DD.`, suggestion: null };
  }

  const wh = options.warehouse ?? getWarehouse();
  const readAt = new Date(options.now ?? Date.now()).toISOString();
  const calendar = options.calendar ?? getSeasonCalendar();
  const deployment = options.deployment ?? getDeployment();
  const { kind, entity, lookup } = parsed;
  const defs = processorsForKind(kind);

  // The dates with output, for "no date → the latest" and previous/next. A team-game key fixes
  // its date; its neighbours are the team's other game keys.
  const today = readAt.slice(0, 10);
  const anchor = parsed.keyDate ?? date ?? today;
  // At most DATE_SEARCH_DAYS either side of the shown date, never past tomorrow (unless the
  // date asked for is later): a bounded partition range keeps BigQuery's bytes billed small.
  const tomorrow = addDays(today, 1);
  const ahead = addDays(anchor, DATE_SEARCH_DAYS);
  const searched = {
    from: addDays(anchor, -DATE_SEARCH_DAYS),
    to: anchor > tomorrow ? anchor : ahead < tomorrow ? ahead : tomorrow,
  };
  const dateRows = await entityOutputDates.run(
    wh,
    { entity: lookup, date_from: searched.from, date_to: searched.to },
    { entity_output_dates: entityOutputDatesSql(kind) },
  );
  const allDates = dateRows.map((r) => r.date); // most recent first
  if (allDates.length === 0) {
    return notFound(kind, entity, searched, parsed.keyDate ?? date, undefined, kind === "team_game" ? null : await closestKnown(wh, lookup, searched));
  }
  if (parsed.keyDate && !allDates.includes(parsed.keyDate)) {
    // A team-game key exists only for the team's game days: point at the nearest one.
    const keyDate = parsed.keyDate;
    const nearest = [...allDates].sort((a, b) => Math.abs(daysBetween(a, keyDate)) - Math.abs(daysBetween(b, keyDate)))[0]!;
    return notFound(kind, entity, searched, keyDate, teamGameKey(lookup, nearest));
  }
  const shownDate = parsed.keyDate ?? date ?? allDates[0]!;

  // Independent reads, together: the live recheck of each processor (each fails alone), the
  // stored rows of all processors (one query) and the breaker rows of all keys (one query).
  const keys = defs.map(
    (def): BreakerKeyRef => ({ processor: def.name, entity_id: keyEntityFor(def, lookup, shownDate), analysis_date: shownDate }),
  );
  const [processors, storedRows, breakerKeys, processedAt] = await Promise.all([
    Promise.all(defs.map((def) => section(wh, def, lookup, shownDate, readAt, calendar, deployment))),
    attempt("Reading the stored rows", () =>
      entityOutputs.run(wh, { entity: lookup, date: shownDate }, { entity_outputs: entityOutputsSql(kind) }),
    ),
    attempt("Reading the breaker rows", () => readKeys(wh, keys, readAt)),
    // When each key's output was last written as processed: what an override led to when the
    // pipeline writes no success row.
    attempt("Reading when the outputs were written", () => readProcessedAt(wh, keys, readAt)),
  ]);
  const short = (p: ProcessorName) => getProcessor(p).short;

  for (const s of processors) {
    if (storedRows.ok) {
      const row = storedRows.value.find((r) => r.processor === s.processor);
      s.stored = { ok: true, value: row ? storedRowOf(getProcessor(s.processor), row) : null };
    } else {
      s.stored = { ok: false, message: storedRows.message };
    }
    const k = breakerKeys.ok ? breakerKeys.value.keys.find((x) => x.key.processor === s.processor) : undefined;
    s.breaker = k
      ? {
          ok: true,
          value: {
            entityId: s.entityId,
            date: shownDate,
            events: timelineOf(k.rows, processedAt.ok ? outcomesAt(k.rows, processedAt.value.get(keyString(k.key)) ?? null, readAt) : null),
            state: {
              status: k.state.status,
              trippedAt: k.state.trippedAt,
              until: k.state.until,
              consecutiveFailures: k.state.consecutiveFailures,
              attemptCount: k.state.attemptCount,
              tripCount: k.state.tripCount,
              msUntilRetry: k.state.msUntilRetry,
              lastOverride: k.state.lastOverride
                ? { actor: k.state.lastOverride.actor, at: k.state.lastOverride.at, reasonCode: k.state.lastOverride.reasonCode }
                : null,
              lastReset: k.state.lastReset,
              legacyOverrideOnTrip: k.state.legacyOverrideOnTrip,
            },
            readAt,
          },
        }
      : { ok: false, message: breakerKeys.ok ? "The breaker rows were not read" : breakerKeys.message };
    s.verdict = s.live.ok ? verdictOf(s.stored.ok ? s.stored.value : null, s.live.value, short) : null;
  }

  const index = allDates.indexOf(shownDate);
  const older = allDates.filter((d) => d < shownDate);
  const newer = allDates.filter((d) => d > shownDate);
  const dates: EntityDates = {
    recent: allDates.slice(0, RECENT_DATES_SHOWN),
    latest: allDates[0] ?? null,
    previous: older[0] ?? null,
    next: newer.at(-1) ?? null,
    hasData: index !== -1,
    searched,
  };

  const liveTeam = processors.map((s) => (s.live.ok ? s.live.value.team : null)).find((t) => t !== null) ?? null;
  const team = kind === "player" ? liveTeam : lookup;
  const related: RelatedEntity[] =
    kind === "team"
      ? [{ entity: teamGameKey(lookup, shownDate), date: null, label: `Team-game key ${teamGameKey(lookup, shownDate)}` }]
      : kind === "team_game"
        ? [{ entity: lookup, date: shownDate, label: `Team ${lookup} on ${shownDate}` }]
        : team
          ? [{ entity: team, date: shownDate, label: `Team ${team} on ${shownDate}` }]
          : [];

  return {
    status: "found",
    entity,
    kind,
    kindLabel: KIND_LABELS[kind],
    date: shownDate,
    dateSource: parsed.keyDate ? "key" : date !== undefined ? "requested" : "latest",
    readAt,
    team,
    dates,
    related,
    processors,
  };
}

/** One processor's section with its live recheck; stored rows and breaker rows are filled in after. */
async function section(
  wh: Warehouse,
  def: ProcessorDef,
  lookup: string,
  date: IsoDate,
  readAt: string,
  calendar: SeasonCalendar,
  deployment: Deployment,
): Promise<ProcessorSection> {
  const entityId = keyEntityFor(def, lookup, date);
  const threshold = deployment[def.name].threshold;
  const live = await attempt(`The live recheck of ${def.short}`, async () => {
    const run = await evaluateProcessorRun(wh, {
      processor: def.name,
      date,
      entities: [entityId],
      now: readAt,
      observedAt: readAt,
      calendar,
      deployment,
    });
    const outcome = run.outcomes[0];
    if (!outcome) throw new RangeError(`the engine returned no evaluation for ${entityId}`);
    return liveRecheckOf(def, outcome, readAt);
  });
  return {
    processor: def.name,
    short: def.short,
    table: def.table,
    dateColumn: def.dateColumn,
    entityId,
    threshold: live.ok ? live.value.threshold : threshold,
    primaryWindow: def.primaryWindow,
    multiWindow: def.multiWindow,
    dependsOn: [...def.dependsOn],
    stored: { ok: false, message: "Not read yet" },
    noRowHint:
      def.dateColumn === "game_date"
        ? def.entityKind === "player"
          ? "This processor writes rows only for players whose team plays on the date."
          : "This processor writes rows only for teams that play on the date."
        : null,
    live,
    verdict: null,
    breaker: { ok: false, message: "Not read yet" },
    reader: deployment[def.name].reader,
    pipelineName: deployment[def.name].pipelineName,
    overrideConsequence: overrideConsequence(deployment[def.name].reader),
  };
}

/** The known player or team id closest to a typo, or null (also when the lookup fails: it is only a hint). */
async function closestKnown(wh: Warehouse, lookup: string, searched: { from: IsoDate; to: IsoDate }): Promise<string | null> {
  try {
    const rows = await knownEntities.run(wh, { date_from: searched.from, date_to: searched.to });
    return closestKnownId(lookup, rows.map((r) => r.entity_id));
  } catch {
    return null;
  }
}

function notFound(
  kind: EntityKind,
  entity: string,
  searched: { from: IsoDate; to: IsoDate },
  date?: IsoDate,
  nearestKey?: string,
  closest?: string | null,
): EntityNotFound {
  const suggestion = nearestKey ?? closest ?? (kind === "player" ? suggestEntityId(entity) : null);
  const where = kind === "team_game" ? "the upcoming team game context" : "any processor";
  const hints: Record<EntityKind, string> = {
    player:
      "Player ids are player_lookup values: the name lowercased with no spaces or punctuation (lebronjames, josealvarado)." +
      (suggestion ? ` Did you mean ${suggestion}?` : ""),
    team: "Teams are the three-letter NBA tricodes (LAL, BOS, GSW) in upper case." + (suggestion ? ` Did you mean ${suggestion}?` : ""),
    team_game:
      "A team-game key is a tricode and a game date (LAL_2024-12-15); rows exist only for dates the team plays." +
      (nearestKey ? ` The nearest key with a row is ${nearestKey}.` : ""),
  };
  return {
    status: "not_found",
    entity,
    kind,
    kindLabel: KIND_LABELS[kind],
    message: nearestKey
      ? `No upcoming team game context row for ${entity}: the team has no row on ${date}.`
      : `No output row from ${where} for ${entity} between ${searched.from} and ${searched.to}${date ? ` (asked for ${date})` : ""}.`,
    hint: hints[kind],
    suggestion,
    searched,
  };
}

/**
 * The entity page's view model. Wrapped in React `cache()` so one request reads once however
 * many components ask. Never cached across requests: the live recheck must be live.
 */
export const getEntityDetail = cache(loadEntityDetail);
