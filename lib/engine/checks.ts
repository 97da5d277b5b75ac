import "server-only";

import { createHash } from "node:crypto";

import type { Role } from "@/lib/auth/roles";
import {
  type AttemptRow,
  type BreakerRowInput,
  type BreakerState,
  deriveBreakerState,
  eventOf,
  nextAttemptRow,
  withKey,
} from "@/lib/completeness/breaker";
import { type SeasonCalendar, seasonStartFor } from "@/lib/completeness/calendar";
import { type IsoDate, addDays, addDaysToInstant, instantMicros } from "@/lib/completeness/dates";
import type { Deployment } from "@/lib/completeness/deployment";
import { type ProcessorDef, type ProcessorName, STANDARD_COMPLETENESS_COLUMNS, getProcessor, windowColumns } from "@/lib/completeness/processors";
import { teamGameKey, windowFigures } from "@/lib/completeness/windows";
import { parseEntityId } from "@/lib/entities/ids";
import type { AuditAction } from "@/lib/breakers/schemas";
import type { AttemptWritten, CheckInput, CheckResult, CheckedEntity, Outcome, OutcomesInput, OutcomesResult } from "@/lib/checks/schemas";
import type { KeyChange } from "@/lib/breakers/changes";
import { auditRecord, commit, summarize } from "@/lib/engine/breaker-writes";
import { type EntityOutcome, evaluateProcessorRun, latestOf } from "@/lib/engine/run-processor";
import { appendAttempts, keyRows } from "@/lib/queries/breakers";
import { type CheckedEntityRow, appendChecks, appendOutcomes, checkGuard, checkedEntities, reportedOutcomes, runPlayers, runTeams } from "@/lib/queries/checks";
import type { Statement, Warehouse } from "@/lib/warehouse/types";

/**
 * The completeness check as a service a processor run calls (`POST /api/v1/checks`, then
 * `POST /api/v1/checks/{run_id}/outcomes`): the engine's decision flow, split where the
 * processor does its work.
 *
 * - A check evaluates the run's entities exactly as the in-process engine does
 *   (`evaluateProcessorRun`: constant warehouse reads whatever the entity count), answers per
 *   entity the decision, every window, the output columns and the breaker state, and keeps the
 *   decision per entity (`completeness_checks`). `record: true` also appends the skips' failed
 *   attempts now, as the original's `_increment_reprocess_count` did.
 * - A report of outcomes appends the attempt rows the rules call for — failure, trip, success,
 *   recovery — from each key's rows as they are when it is recorded, under the processor's
 *   pipeline name, stamped with the check's instant (the moment the run decided, which its output
 *   rows record as last_reprocess_attempt_at) unless a row newer than that has appeared since.
 *   So a night replayed through the API writes exactly the rows the in-process engine writes.
 * - Idempotent: one (run_id, processor, date) is checked once — the same request again gets the
 *   stored answer, another request with that run_id is refused; an entity's outcome is recorded
 *   once — reporting it again writes nothing, reporting another outcome is refused. Every write
 *   is one transaction guarded by `check_guard.sql`, re-read and retried when it fails.
 * - Only for processors whose breaker reader is `console`: a processor the original pipeline
 *   still reads decides from reprocess_attempts by other rules.
 * - Every call that writes (a new check, a report with anything new) writes one audit record
 *   naming its token and the keys whose attempts it appended (none, often).
 */

export interface CheckContext {
  actor: { name: string; role: Role; processor?: ProcessorName };
  now: string;
  deployment: Deployment;
  calendar: SeasonCalendar;
}

export type CheckError =
  | { ok: false; error: "forbidden" | "conflict" | "reused" | "not_found" | "stale"; message: string }
  | { ok: false; error: "invalid"; message: string; field: string };
export type CheckOutcome<T> = { ok: true; replay: boolean; data: T } | CheckError;

/** How long a check is kept and its outcomes may be reported (the checks' partition expiry). */
export const CHECK_KEEP_DAYS = 30;
const EPOCH = "1970-01-01T00:00:00.000Z";
const MAX_TRIES = 3;

/** The run-level part of an answer, stored with each entity so a replay rebuilds it whole. */
type RunMeta = Omit<CheckResult, "ok" | "replay" | "counts" | "entities">;

// ---------------------------------------------------------------------------------------------
// Who may ask for what

function refuse(ctx: CheckContext, processor: ProcessorName): CheckError | null {
  if (ctx.actor.processor && ctx.actor.processor !== processor) {
    return { ok: false, error: "forbidden", message: `${ctx.actor.name} may check ${ctx.actor.processor} only, not ${processor}` };
  }
  const { reader } = ctx.deployment[processor];
  if (reader !== "console") {
    return {
      ok: false,
      error: "conflict",
      message:
        `${processor} is still read by the original pipeline (breaker reader "${reader}"): its Python processor decides from reprocess_attempts ` +
        `by the original rules, which the check service's rows do not follow. Switch it first: add ${processor}=console to BREAKER_READERS and restart the console.`,
    };
  }
  return null;
}

/** The entity ids a processor takes: tricodes, player_lookups, or team-game keys of the date. */
function wrongKind(def: ProcessorDef, date: IsoDate, entities: readonly string[]): CheckError | null {
  const fits = (e: string): boolean => {
    const parsed = parseEntityId(e);
    return parsed.ok && parsed.kind === def.entityKind && (def.entityKind !== "team_game" || parsed.keyDate === date);
  };
  const i = entities.findIndex((e) => !fits(e));
  if (i < 0) return null;
  const want =
    def.entityKind === "team" ? "a team tricode (LAL)" : def.entityKind === "player" ? "a player_lookup (lebronjames)" : `a team-game key of ${date} (LAL_${date})`;
  return { ok: false, error: "invalid", field: `entities.${i}`, message: `entities.${i} "${entities[i]}" is not ${want}, which ${def.name} takes` };
}

// ---------------------------------------------------------------------------------------------
// The check

/**
 * The entities a processor would process on a date when the run names none (one read), or null
 * when the warehouse cannot tell: no team on the season's schedule, or no player who played this
 * season before the date (its opening night). An empty list is a real answer: no team plays.
 */
export async function defaultEntities(wh: Warehouse, def: ProcessorDef, date: IsoDate, calendar: SeasonCalendar): Promise<string[] | null> {
  const seasonStart = seasonStartFor(date, calendar);
  if (def.entityKind !== "player") {
    const teams = await runTeams.run(wh, { season_start: seasonStart, season_end: addDays(seasonStart, 364), analysis_date: date });
    if (teams.length === 0) return null;
    return def.entityKind === "team" ? teams.map((t) => t.team) : teams.filter((t) => t.plays).map((t) => teamGameKey(t.team, date));
  }
  const players = await runPlayers.run(wh, { season_start: seasonStart, analysis_date: date });
  if (players.length === 0) return null;
  return (def.dateColumn === "game_date" ? players.filter((p) => p.plays) : players).map((p) => p.player_lookup);
}

function fingerprintOf(parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

function writtenOf(row: AttemptRow): AttemptWritten {
  return {
    event_type: eventOf(row),
    attempt_number: row.attempt_number,
    circuit_breaker_tripped: row.circuit_breaker_tripped,
    circuit_breaker_until: row.circuit_breaker_until,
  };
}

function breakerOut(state: BreakerState): CheckedEntity["breaker"] {
  return {
    status: state.status,
    attempt_count: state.attemptCount,
    consecutive_failures: state.consecutiveFailures,
    until: state.until,
    last_event: state.lastEvent,
  };
}

/** The output columns a processor merges into its row: the 14 standard ones and its window columns. */
function completenessColumns(def: ProcessorDef, output: Record<string, unknown>): Record<string, unknown> {
  const names = [...STANDARD_COMPLETENESS_COLUMNS.map((c) => c.name), ...windowColumns(def).map((c) => c.name)];
  return Object.fromEntries(names.map((n) => [n, output[n] ?? null]));
}

function entityAnswer(def: ProcessorDef, o: EntityOutcome, recorded: AttemptRow | null): CheckedEntity {
  const readyById = new Map(o.own.windows.map((w) => [w.id, w.ready]));
  return {
    entity_id: o.entity,
    team: o.team,
    decision: o.decision.processes ? "process" : "skip",
    action: o.decision.action,
    reason: o.decision.reason,
    skip_reason: o.decision.skipReason,
    production_ready: o.decision.productionReady,
    windows: o.windows.map((w) => ({
      ...windowFigures(w),
      completeness_pct: w.pctRounded,
      production_ready: readyById.get(w.id) ?? false,
      missing_games: w.missingGames.map((g) => ({ game_id: g.game_id, game_date: g.game_date, opponent: g.opponent })),
    })),
    upstream: Object.fromEntries(def.dependsOn.map((d) => [d, !o.cascade.notReady.includes(d)])),
    breaker: breakerOut(o.breaker),
    columns: completenessColumns(def, o.output),
    recorded: recorded ? writtenOf(recorded) : null,
  };
}

function resultOf(meta: RunMeta, replay: boolean, entities: CheckedEntity[]): CheckResult {
  const process = entities.filter((e) => e.decision === "process").length;
  return { ok: true, replay, ...meta, counts: { process, skip: entities.length - process }, entities };
}

function replayOfCheck(stored: CheckedEntityRow[]): CheckResult {
  // In the order the run was answered (the rows come back by entity id).
  const parsed = stored.map((r) => JSON.parse(r.result_json!) as { run: RunMeta; index: number; entity: CheckedEntity }).sort((a, b) => a.index - b.index);
  return resultOf(parsed[0]!.run, true, parsed.map((p) => p.entity));
}

const stale: CheckError = { ok: false, error: "stale", message: "The run's rows kept changing while this call was recorded; nothing was written. Retry with the same run_id." };

function auditStatement(
  action: Extract<AuditAction, "pipeline_check" | "pipeline_outcomes">,
  ctx: CheckContext,
  requestId: string,
  reason: string,
  changes: KeyChange[],
  fingerprint: string,
): Statement {
  return auditRecord({ action, actor: ctx.actor.name, role: ctx.actor.role, requestId, reasonCode: null, reason, now: ctx.now, changes, fingerprint });
}

function keyChange(processor: ProcessorName, row: AttemptRow, before: BreakerState, after: BreakerState): KeyChange {
  return { processor, entity_id: row.entity_id, analysis_date: row.analysis_date, before: summarize(before), after: summarize(after) };
}

/** `POST /api/v1/checks`: decide a processor run's entities (and with `record`, record its skips). */
export async function checkRun(wh: Warehouse, input: CheckInput, ctx: CheckContext): Promise<CheckOutcome<CheckResult>> {
  const def = getProcessor(input.processor);
  const refused = refuse(ctx, def.name) ?? (input.entities ? wrongKind(def, input.analysis_date, input.entities) : null);
  if (refused) return refused;
  const runKey = { run_id: input.run_id, processor: def.name, analysis_date: input.analysis_date };
  const since = addDaysToInstant(ctx.now, -CHECK_KEEP_DAYS);
  const fingerprint = fingerprintOf(["check", ctx.actor.name, runKey, input.entities ?? null, input.teams ?? null, input.backfill, input.record]);
  const { pipelineName, reader } = ctx.deployment[def.name];

  for (let i = 0; i < MAX_TRIES; i++) {
    const stored = await checkedEntities.run(wh, { ...runKey, checked_since: since, with_answers: true });
    if (stored.length) {
      if (stored[0]!.request_fingerprint !== fingerprint) {
        return {
          ok: false,
          error: "reused",
          message: `run_id "${input.run_id}" already checked ${def.name} on ${input.analysis_date} with another request (entities, options or token); a run is checked once per date — send a new run_id`,
        };
      }
      return { ok: true, replay: true, data: replayOfCheck(stored) };
    }
    const entities = input.entities ?? (await defaultEntities(wh, def, input.analysis_date, ctx.calendar));
    if (entities === null) {
      return {
        ok: false,
        error: "conflict",
        message: `No ${def.entityKind === "player" ? "player has played" : "team is scheduled"} this season before ${input.analysis_date}, so the console cannot tell which entities ${def.name} runs for: send them as \`entities\` (from the rosters)`,
      };
    }
    const run = await evaluateProcessorRun(wh, {
      processor: def.name,
      date: input.analysis_date,
      entities,
      now: ctx.now,
      deployment: ctx.deployment,
      calendar: ctx.calendar,
      backfill: input.backfill,
      runId: input.run_id,
      teams: input.teams,
    });
    const meta: RunMeta = {
      run_id: input.run_id,
      processor: def.name,
      pipeline_name: pipelineName,
      breaker_reader: reader,
      analysis_date: input.analysis_date,
      checked_at: ctx.now,
      threshold: ctx.deployment[def.name].threshold,
      bootstrap: run.outcomes[0]?.bootstrap ?? false,
    };
    const recordNow = (o: EntityOutcome) => input.record && o.decision.countsAsFailure && o.attempt !== null;
    const answers = run.outcomes.map((o) => entityAnswer(def, o, recordNow(o) ? o.attempt : null));
    if (answers.length === 0) return { ok: true, replay: false, data: resultOf(meta, false, []) };

    const recorded = run.outcomes.filter(recordNow);
    const statements: Statement[] = [
      appendChecks.statement(
        run.outcomes.map((o, k) => ({
          ...runKey,
          entity_id: o.entity,
          checked_at: ctx.now,
          actor: ctx.actor.name,
          request_fingerprint: fingerprint,
          action: o.decision.action,
          skip_reason: o.decision.skipReason,
          completeness_pct: o.attemptPct,
          counts_as_failure: o.decision.countsAsFailure,
          result_json: JSON.stringify({ run: meta, index: k, entity: answers[k] }),
        })),
      ),
    ];
    const counts = resultOf(meta, false, answers).counts;
    statements.push(
      auditStatement(
        "pipeline_check",
        ctx,
        `check:${input.run_id}:${def.name}:${input.analysis_date}`,
        `Check of ${entities.length} ${def.name} entities on ${input.analysis_date}: ${counts.process} to process, ${counts.skip} to skip; ${recorded.length} skip(s) recorded as failed attempts`,
        recorded.map((o) => keyChange(def.name, o.attempt!, o.breaker, o.after)),
        fingerprint,
      ),
    );
    if (recorded.length) {
      statements.push(
        appendAttempts.statement(recorded.map((o) => o.attempt!)),
        appendOutcomes.statement(
          recorded.map((o) => ({
            ...runKey,
            entity_id: o.entity,
            outcome: "skipped",
            reason: null,
            reported_at: ctx.now,
            actor: ctx.actor.name,
            event_type: o.attempt!.event_type ?? null,
            attempt_number: o.attempt!.attempt_number,
            circuit_breaker_until: o.attempt!.circuit_breaker_until,
          })),
        ),
      );
    }
    const guard = checkGuard.statement({
      ...runKey,
      since,
      expected_checks: 0,
      entity_ids: entities,
      processor_names: [def.name, ...def.aliases],
      check_keys: recorded.length > 0,
      expected_rows: run.breakerRead.rowCount,
      expected_last: run.breakerRead.lastAttemptAt ?? EPOCH,
      epoch: EPOCH,
    });
    if ((await commit(wh, statements, guard, `check_${def.name}`)) === "done") return { ok: true, replay: false, data: resultOf(meta, false, answers) };
  }
  return stale;
}

// ---------------------------------------------------------------------------------------------
// The outcomes

interface Planned {
  entity: string;
  outcome: Outcome;
  reason: string | null;
  before: BreakerState;
  row: AttemptRow | null;
  after: BreakerState;
}

/** What an outcome means for a key: an attempt (ok or failed, with what it records) or nothing. */
function attemptFor(outcome: Outcome, reason: string | null, check: CheckedEntityRow): { ok: boolean; skipReason: string | null } | null {
  if (outcome === "processed") return { ok: true, skipReason: null };
  if (outcome === "failed") return { ok: false, skipReason: reason };
  // Skipped as the check said: a skip for incomplete data is a failed attempt; a breaker skip
  // (and a skip the processor chose for its own reasons) is not an attempt.
  return check.counts_as_failure ? { ok: false, skipReason: check.skip_reason } : null;
}

/** `POST /api/v1/checks/{run_id}/outcomes`: record what a run did with its checked entities. */
export async function recordOutcomes(wh: Warehouse, input: OutcomesInput, ctx: CheckContext): Promise<CheckOutcome<OutcomesResult>> {
  const def = getProcessor(input.processor);
  const refused = refuse(ctx, def.name);
  if (refused) return refused;
  const runKey = { run_id: input.run_id, processor: def.name, analysis_date: input.analysis_date };
  const since = addDaysToInstant(ctx.now, -CHECK_KEEP_DAYS);
  const processorNames = [def.name, ...def.aliases];
  const pipelineName = ctx.deployment[def.name].pipelineName;

  for (let i = 0; i < MAX_TRIES; i++) {
    const [stored, reported] = await Promise.all([
      checkedEntities.run(wh, { ...runKey, checked_since: since, with_answers: false }),
      reportedOutcomes.run(wh, { ...runKey, reported_since: since }),
    ]);
    if (!stored.length) {
      return {
        ok: false,
        error: "not_found",
        message: `No check of run "${input.run_id}" for ${def.name} on ${input.analysis_date} in the last ${CHECK_KEEP_DAYS} days: report outcomes of a run after POST /api/v1/checks`,
      };
    }
    const checked = new Map(stored.map((r) => [r.entity_id, r]));
    const previous = new Map(reported.map((r) => [r.entity_id, r]));
    const fresh: OutcomesInput["outcomes"] = [];
    for (const [k, item] of input.outcomes.entries()) {
      const check = checked.get(item.entity_id);
      const field = `outcomes.${k}`;
      if (!check) return { ok: false, error: "invalid", field: `${field}.entity_id`, message: `${field}.entity_id ${item.entity_id} was not in run "${input.run_id}"'s check` };
      if (item.outcome !== "skipped" && check.action.startsWith("skip_")) {
        return {
          ok: false,
          error: "invalid",
          field: `${field}.outcome`,
          message: `${field}.outcome: the check told the run to skip ${item.entity_id} (${check.action}); it cannot have been ${item.outcome}`,
        };
      }
      const before = previous.get(item.entity_id);
      if (!before) fresh.push(item);
      else if (before.outcome !== item.outcome || (before.reason ?? undefined) !== item.reason) {
        return {
          ok: false,
          error: "conflict",
          message: `${item.entity_id} was already reported ${before.outcome}${before.reason ? ` (${before.reason})` : ""} for run "${input.run_id}"; an outcome is recorded once`,
        };
      }
    }
    const replayed = (entity: string, outcome: Outcome) => {
      const r = previous.get(entity)!;
      const written: AttemptWritten | null = r.event_type
        ? { event_type: r.event_type as AttemptWritten["event_type"], attempt_number: r.attempt_number!, circuit_breaker_tripped: r.event_type === "trip", circuit_breaker_until: r.circuit_breaker_until }
        : null;
      return { entity_id: entity, outcome, replay: true, written };
    };
    if (!fresh.length) {
      return {
        ok: true,
        replay: true,
        data: { ok: true, replay: true, ...runKey, rows_written: 0, results: input.outcomes.map((o) => replayed(o.entity_id, o.outcome)) },
      };
    }

    const rows = await keyRows.run(wh, { processor_names: processorNames, date_from: input.analysis_date, date_to: input.analysis_date, entity_ids: fresh.map((o) => o.entity_id) });
    const byEntity = new Map<string, BreakerRowInput[]>();
    for (const r of rows) {
      const list = byEntity.get(r.entity_id);
      if (list) list.push(r);
      else byEntity.set(r.entity_id, [r]);
    }
    const planned: Planned[] = fresh.map((item) => {
      const check = checked.get(item.entity_id)!;
      const keyRowsFound = byEntity.get(item.entity_id) ?? [];
      // The instant the run decided at, unless a row of the key was written since: then now.
      const newer = keyRowsFound.some((r) => instantMicros(r.attempted_at) > instantMicros(check.checked_at));
      const at = newer ? latestInstant(ctx.now, keyRowsFound) : check.checked_at;
      const before = deriveBreakerState(keyRowsFound, at);
      const wanted = attemptFor(item.outcome, item.reason ?? null, check);
      const draft = wanted
        ? nextAttemptRow(before, { now: at, completenessPct: check.completeness_pct, skipReason: wanted.skipReason, ok: wanted.ok, batchId: input.run_id })
        : null;
      const row = draft ? withKey({ processor_name: pipelineName, entity_id: item.entity_id, analysis_date: input.analysis_date }, draft) : null;
      return { entity: item.entity_id, outcome: item.outcome, reason: item.reason ?? null, before, row, after: row ? deriveBreakerState([...keyRowsFound, row], at) : before };
    });

    const attempts = planned.flatMap((p) => (p.row ? [p.row] : []));
    const counts = Object.fromEntries(
      (["processed", "failed", "skipped"] as const).map((o) => [o, planned.filter((p) => p.outcome === o).length]),
    );
    const statements: Statement[] = [
      appendOutcomes.statement(
        planned.map((p) => ({
          ...runKey,
          entity_id: p.entity,
          outcome: p.outcome,
          reason: p.reason,
          reported_at: ctx.now,
          actor: ctx.actor.name,
          event_type: p.row?.event_type ?? null,
          attempt_number: p.row?.attempt_number ?? null,
          circuit_breaker_until: p.row?.circuit_breaker_until ?? null,
        })),
      ),
      auditStatement(
        "pipeline_outcomes",
        ctx,
        `outcomes:${input.run_id}:${def.name}:${input.analysis_date}`,
        `Run reported ${planned.length} new outcome(s) for ${def.name} on ${input.analysis_date}: ${counts.processed} processed, ${counts.failed} failed, ${counts.skipped} skipped; ${attempts.length} attempt row(s) appended`,
        planned.flatMap((p) => (p.row ? [keyChange(def.name, p.row, p.before, p.after)] : [])),
        fingerprintOf(["outcomes", ctx.actor.name, runKey, planned.map((p) => [p.entity, p.outcome, p.reason])]),
      ),
    ];
    if (attempts.length) statements.unshift(appendAttempts.statement(attempts));
    const read = latestOf(rows);
    const guard = checkGuard.statement({
      ...runKey,
      since,
      expected_checks: stored.length,
      entity_ids: fresh.map((o) => o.entity_id),
      processor_names: processorNames,
      check_keys: attempts.length > 0,
      expected_rows: read.rowCount,
      expected_last: read.lastAttemptAt ?? EPOCH,
      epoch: EPOCH,
    });
    if ((await commit(wh, statements, guard, `outcomes_${def.name}`)) === "retry") continue;
    const written = new Map(planned.map((p) => [p.entity, p.row ? writtenOf(p.row) : null]));
    return {
      ok: true,
      replay: false,
      data: {
        ok: true,
        replay: false,
        ...runKey,
        rows_written: attempts.length,
        results: input.outcomes.map((o) =>
          written.has(o.entity_id) ? { entity_id: o.entity_id, outcome: o.outcome, replay: false, written: written.get(o.entity_id)! } : replayed(o.entity_id, o.outcome),
        ),
      },
    };
  }
  return stale;
}

/** `now`, or the latest stored instant among rows when that is later (a write never sorts before rows it has seen). */
function latestInstant(now: string, rows: readonly BreakerRowInput[]): string {
  const last = latestOf(rows).lastAttemptAt;
  return last !== null && instantMicros(last) > instantMicros(now) ? last : now;
}
