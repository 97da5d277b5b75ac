/**
 * Circuit-breaker state, derived from a key's rows in `nba_orchestration.reprocess_attempts`
 * (the corrected rules). Client-safe, pure: callers read the rows, call these functions
 * and append what they return. Rows are never edited in place: history is the state.
 *
 * A key is (processor_name, entity_id, analysis_date). Its rows are taken in attempt order —
 * attempt_number, then attempted_at, then a content tie-break — so the derivation never depends
 * on the order storage returns them in (concurrent runs can write duplicate attempt numbers;
 * the original never enforced its documented primary key).
 *
 * Events and their effect, in that order:
 *   failure   consecutiveFailures + 1
 *   trip      a failure that tripped: consecutiveFailures + 1, tripped until its
 *             circuit_breaker_until (attempted_at + 7 days when that is missing)
 *   success   a success that ends a failing streak: closes, count 0
 *   recovery  a success that closes a tripped (half-open) or overridden breaker: closes, count 0
 *   override  operator un-trips now: closes, count 0 (the original only set a flag nobody read)
 *   reset     admin wipe: everything before it is forgotten (only the RESET row remains)
 *
 * Status at `now`:
 *   active     tripped and now < until                 → the processor skips the key
 *   half_open  tripped and now ≥ until (cooldown over) → one attempt allowed: failing re-trips
 *                                                         for 7 days, succeeding writes `recovery`
 *   failing    not tripped, 1–2 consecutive failures
 *   closed     not tripped, no failures since the last success/override/reset
 *
 * Legacy rows (written by the original, `event_type` NULL) map as:
 *   skip_reason 'RESET' (always with manual_override_applied = TRUE)  → reset
 *   skip_reason 'MANUAL_OVERRIDE'                                     → override (our own marker)
 *   circuit_breaker_tripped = TRUE                                    → trip, even when the old
 *       override script later set manual_override_applied = TRUE on it: that flag never
 *       unblocked anything and records no time, so the trip stands and the state says so
 *       (`legacyOverrideOnTrip`), prompting an operator to override for real
 *   skip_reason NULL                                                  → success (the DDL's
 *       documented meaning; the original never wrote such rows)
 *   anything else                                                     → failure
 */
import { z } from "zod";

import { CAN, type Role } from "@/lib/auth/roles";

import { type IsoDate, addDaysToInstant, isoDate, formatUtcForNotes, instantMicros, toIsoInstant, toPreciseInstant } from "./dates";

export const BREAKER_COOLDOWN_DAYS = 7;
/** The 3rd consecutive failure since the last override/reset/success trips the breaker. */
export const TRIP_AFTER = 3;

export const BREAKER_EVENT_TYPES = ["failure", "trip", "success", "recovery", "override", "reset"] as const;
export type BreakerEventType = (typeof BREAKER_EVENT_TYPES)[number];

export const BREAKER_STATUSES = ["closed", "failing", "active", "half_open"] as const;
export type BreakerStatus = (typeof BREAKER_STATUSES)[number];

/** skip_reason marker of a reset row (the original's value). */
export const RESET_SKIP_REASON = "RESET";
/** skip_reason marker of an override row, so pre-console readers do not take it for a success. */
export const OVERRIDE_SKIP_REASON = "MANUAL_OVERRIDE";

export interface BreakerKey {
  processor_name: string;
  entity_id: string;
  analysis_date: IsoDate;
}

const instant = z.string();

/**
 * A stored `reprocess_attempts` row, every column: the original's 12 and the console's nullable
 * additions. The one shape of the row: reads parse it, writes are typed by it, its keys are the
 * select list of the reads that return whole rows. Instants are ISO strings; `event_type` is
 * stored as text (the Python processors leave it NULL; `eventOf` reads it).
 */
export const storedAttemptRow = z.object({
  processor_name: z.string(),
  entity_id: z.string(),
  analysis_date: isoDate,
  attempt_number: z.number().int(),
  attempted_at: instant,
  completeness_pct: z.number().nullable(),
  skip_reason: z.string().nullable(),
  circuit_breaker_tripped: z.boolean(),
  circuit_breaker_until: instant.nullable(),
  manual_override_applied: z.boolean().nullable(),
  notes: z.string().nullable(),
  event_type: z.string().nullable(),
  actor: z.string().nullable(),
  actor_role: z.string().nullable(),
  reason_code: z.string().nullable(),
  request_id: z.string().nullable(),
  override_expires_at: instant.nullable(),
  rows_removed: z.number().int().nullable(),
  batch_id: z.string().nullable(),
  created_at: instant.nullable(),
});
export type StoredAttemptRow = z.infer<typeof storedAttemptRow>;

/** The original pipeline's 12 columns: every row has them. */
type OriginalColumn = keyof BreakerKey | "attempt_number" | "attempted_at" | "completeness_pct" | "skip_reason" | "circuit_breaker_tripped" | "circuit_breaker_until" | "manual_override_applied" | "notes";

/**
 * A `reprocess_attempts` row as the rules read and append it: the stored row, the console's
 * additions optional (a row the original pipeline wrote has none of them set). A stored row is one.
 */
export type AttemptRow = Pick<StoredAttemptRow, OriginalColumn> & Partial<Omit<StoredAttemptRow, OriginalColumn>>;

/** A row to append, without its key (the caller knows the key it read the state for). */
export type AttemptDraft = Omit<AttemptRow, keyof BreakerKey | "created_at">;

/** What derivation reads: any row, with or without key columns. */
export type BreakerRowInput = AttemptDraft & Partial<BreakerKey> & { created_at?: string | null };

export function withKey(key: BreakerKey, draft: AttemptDraft): AttemptRow {
  return { ...key, ...draft };
}

export interface BreakerState {
  status: BreakerStatus;
  /** Failures since the last success, recovery, override or reset. */
  consecutiveFailures: number;
  /** Attempts (failure, trip, success, recovery rows) since the last reset. */
  attemptCount: number;
  /** Trips since the last reset. */
  tripCount: number;
  /** Rows of the key, all kinds. */
  rowCount: number;
  /** Rows after the last reset row (all rows when never reset). */
  rowsSinceReset: number;
  /** The attempt_number the next appended row gets. */
  nextAttemptNumber: number;
  lastAttemptAt: string | null;
  lastCompletenessPct: number | null;
  lastSkipReason: string | null;
  lastEvent: BreakerEventType | null;
  /** The trip in force (active or half-open), else null. */
  trippedAt: string | null;
  until: string | null;
  /** Milliseconds until the cooldown ends; 0 unless active. */
  msUntilRetry: number;
  lastOverride: { actor: string | null; at: string; reasonCode: string | null; batchId: string | null } | null;
  lastReset: { actor: string | null; at: string; rowsRemoved: number | null } | null;
  /** The trip in force carries the original scripts' manual_override_applied flag (no effect). */
  legacyOverrideOnTrip: boolean;
  /** Request ids present among the rows, sorted (idempotency). */
  requestIds: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Derivation

/** The event a row records (see the legacy mapping at the top of the file). */
export function eventOf(row: BreakerRowInput): BreakerEventType {
  // event_type is stored as text and taken as written when set (an empty string counts as unset),
  // exactly as breakerEventSql reads it; every writer of the column writes one of the events.
  if (row.event_type) return row.event_type as BreakerEventType;
  if (row.skip_reason === RESET_SKIP_REASON) return "reset";
  if (row.skip_reason === OVERRIDE_SKIP_REASON) return "override";
  if (row.circuit_breaker_tripped) return "trip";
  if (row.skip_reason === null) return "success";
  return "failure";
}

/** Canonical text of a row, used only to break exact ties so sorting is total. */
function contentKey(row: BreakerRowInput): string {
  const entries = Object.entries(row).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/** Rows in attempt order: attempt_number, attempted_at, then content (total, storage-independent). */
export function sortAttempts<T extends BreakerRowInput>(rows: readonly T[]): T[] {
  // The content key (a sort and a JSON string per row) only breaks exact ties, which are rare:
  // computed on first need, not for every row (it dominated bulk previews of 10k keys).
  // Instants compare in microseconds, the precision stored: the pipeline can write two rows of
  // a key within one millisecond.
  const keyed: { row: T; at: number; content?: string }[] = rows.map((row) => ({ row, at: instantMicros(row.attempted_at) }));
  const content = (k: (typeof keyed)[number]) => (k.content ??= contentKey(k.row));
  keyed.sort((a, b) => {
    const byOrder = a.row.attempt_number - b.row.attempt_number || a.at - b.at;
    if (byOrder !== 0) return byOrder;
    const x = content(a);
    const y = content(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return keyed.map((k) => k.row);
}

interface Acc {
  consecutiveFailures: number;
  attemptCount: number;
  tripCount: number;
  rowsSinceReset: number;
  lastAttemptAt: string | null;
  lastCompletenessPct: number | null;
  lastSkipReason: string | null;
  lastEvent: BreakerEventType | null;
  trip: { at: string; until: string; legacyOverride: boolean } | null;
  lastOverride: BreakerState["lastOverride"];
  lastReset: BreakerState["lastReset"];
}

const freshAcc = (): Acc => ({
  consecutiveFailures: 0,
  attemptCount: 0,
  tripCount: 0,
  rowsSinceReset: 0,
  lastAttemptAt: null,
  lastCompletenessPct: null,
  lastSkipReason: null,
  lastEvent: null,
  trip: null,
  lastOverride: null,
  lastReset: null,
});

function recordAttempt(acc: Acc, row: BreakerRowInput, at: string): void {
  acc.attemptCount++;
  acc.lastAttemptAt = at;
  acc.lastCompletenessPct = row.completeness_pct;
  acc.lastSkipReason = row.skip_reason;
}

function apply(acc: Acc, row: BreakerRowInput): Acc {
  const event = eventOf(row);
  const at = toPreciseInstant(row.attempted_at);
  if (event === "reset") {
    return { ...freshAcc(), lastEvent: event, lastReset: { actor: row.actor ?? null, at, rowsRemoved: row.rows_removed ?? null } };
  }
  acc.rowsSinceReset++;
  acc.lastEvent = event;
  switch (event) {
    case "override":
      acc.consecutiveFailures = 0;
      acc.trip = null;
      acc.lastOverride = { actor: row.actor ?? null, at, reasonCode: row.reason_code ?? null, batchId: row.batch_id ?? null };
      break;
    case "success":
    case "recovery":
      recordAttempt(acc, row, at);
      acc.consecutiveFailures = 0;
      acc.trip = null;
      break;
    case "failure":
      recordAttempt(acc, row, at);
      acc.consecutiveFailures++;
      break;
    case "trip":
      recordAttempt(acc, row, at);
      acc.consecutiveFailures++;
      acc.tripCount++;
      acc.trip = {
        at,
        until: row.circuit_breaker_until
          ? toPreciseInstant(row.circuit_breaker_until)
          : addDaysToInstant(at, BREAKER_COOLDOWN_DAYS),
        legacyOverride: !row.event_type && row.manual_override_applied === true,
      };
      break;
  }
  return acc;
}

/**
 * The breaker state of one key at `now`, from that key's rows in any order.
 *
 * The state at `now` is decided by the rows attempted at or before `now`; a row stamped later
 * (a run clocked ahead) has not happened yet at `now`. The active list and the entity page
 * decide at their `now`; a write decides at the later of its clock and the latest row it read
 * (lib/engine/breaker-writes.ts), so it never ignores a row it has seen. Counting columns that describe the
 * stored rows themselves (rowCount, nextAttemptNumber, requestIds) take every row: a reset
 * deletes all of them, and an appended row must number above all of them to be the latest one a
 * reader ordering by attempt_number sees.
 */
export function deriveBreakerState(rows: readonly BreakerRowInput[], now: Date | string): BreakerState {
  const nowUs = instantMicros(now);
  const acc = sortAttempts(rows.filter((r) => instantMicros(r.attempted_at) <= nowUs)).reduce(apply, freshAcc());
  const untilUs = acc.trip ? instantMicros(acc.trip.until) : null;
  // Invariant: at now == until the cooldown is over (half-open), never active.
  const status: BreakerStatus =
    untilUs !== null ? (nowUs < untilUs ? "active" : "half_open") : acc.consecutiveFailures > 0 ? "failing" : "closed";
  const requestIds = [...new Set(rows.flatMap((r) => (r.request_id ? [r.request_id] : [])))].sort();
  return {
    status,
    consecutiveFailures: acc.consecutiveFailures,
    attemptCount: acc.attemptCount,
    tripCount: acc.tripCount,
    rowCount: rows.length,
    rowsSinceReset: acc.rowsSinceReset,
    nextAttemptNumber: Math.max(0, ...rows.map((r) => r.attempt_number)) + 1,
    lastAttemptAt: acc.lastAttemptAt,
    lastCompletenessPct: acc.lastCompletenessPct,
    lastSkipReason: acc.lastSkipReason,
    lastEvent: acc.lastEvent,
    trippedAt: acc.trip?.at ?? null,
    until: acc.trip?.until ?? null,
    // Rounded up: an active breaker never shows 0 ms left.
    msUntilRetry: status === "active" && untilUs !== null ? Math.ceil((untilUs - nowUs) / 1000) : 0,
    lastOverride: acc.lastOverride,
    lastReset: acc.lastReset,
    legacyOverrideOnTrip: acc.trip?.legacyOverride ?? false,
    requestIds,
  };
}

/**
 * The key's next failed attempt trips its breaker: half-open (its one retry after a cooldown),
 * or TRIP_AFTER − 1 consecutive failures already. A `failing` key for which this holds is
 * "about to trip".
 */
export function tripsOnNextFailure(state: Pick<BreakerState, "status" | "consecutiveFailures">): boolean {
  return state.status === "half_open" || state.consecutiveFailures + 1 >= TRIP_AFTER;
}

/** Failing, not tripped, and one more failure trips it. */
export function isAboutToTrip(state: Pick<BreakerState, "status" | "consecutiveFailures">): boolean {
  return state.status === "failing" && tripsOnNextFailure(state);
}

// ---------------------------------------------------------------------------------------------
// Idempotency

/** A request id already among the key's rows: the write already happened, replay it. */
export function hasRequest(source: Pick<BreakerState, "requestIds"> | readonly BreakerRowInput[], requestId: string): boolean {
  const ids = Array.isArray(source)
    ? (source as readonly BreakerRowInput[]).map((r) => r.request_id)
    : (source as Pick<BreakerState, "requestIds">).requestIds;
  return ids.includes(requestId);
}

// ---------------------------------------------------------------------------------------------
// Processor attempts

export interface AttemptOutcome {
  now: Date | string;
  /** Completeness at attempt time (the primary window, or null when no games were expected). */
  completenessPct: number | null;
  /** Why the attempt failed (ignored when ok). */
  skipReason: string | null;
  ok: boolean;
  /** Optional idempotency key (e.g. run id + key): a repeat returns null. */
  requestId?: string | null;
  /** Optional run id. */
  batchId?: string | null;
}

function pctText(pct: number | null): string {
  return pct === null ? "no games expected" : `${pct.toFixed(1)}% complete`;
}

/** An appended row's columns before a rule sets its own: nothing recorded, no flag set. */
export const BLANK_ATTEMPT = {
  completeness_pct: null,
  skip_reason: null,
  circuit_breaker_tripped: false,
  circuit_breaker_until: null,
  manual_override_applied: false,
  notes: null,
  event_type: null,
  actor: null,
  reason_code: null,
  request_id: null,
  rows_removed: null,
  batch_id: null,
} as const satisfies Omit<AttemptDraft, "attempt_number" | "attempted_at">;

function draft(state: BreakerState, now: Date | string, fields: Partial<AttemptDraft>): AttemptDraft {
  return { attempt_number: state.nextAttemptNumber, attempted_at: toIsoInstant(now), ...BLANK_ATTEMPT, ...fields };
}

/**
 * The row a processor appends after evaluating a key, or null when nothing is written.
 *
 * - Active key: null. The processor must not attempt it; like the original, a skip caused by
 *   an active breaker is not recorded as an attempt (it would extend nothing and only add rows).
 * - Failure: a `failure` row, or a `trip` row (tripped until now + 7 days) when it is the 3rd
 *   consecutive failure or the one attempt allowed in half-open state.
 * - Success on a half-open key, or the first success after an override: a `recovery` row.
 * - Success ending a failing streak: a `success` row, so "consecutive" really means
 *   consecutive (failures separated by a success never trip).
 * - Success on a closed key with nothing to close: null. Writing a row for every healthy
 *   entity every day would multiply the table for no information.
 * - A repeated requestId: null (already written).
 */
export function nextAttemptRow(state: BreakerState, outcome: AttemptOutcome): AttemptDraft | null {
  if (outcome.requestId && hasRequest(state, outcome.requestId)) return null;
  if (state.status === "active") return null;
  const common = {
    completeness_pct: outcome.completenessPct,
    request_id: outcome.requestId ?? null,
    batch_id: outcome.batchId ?? null,
  };
  const n = state.nextAttemptNumber;
  if (!outcome.ok) {
    const trips = tripsOnNextFailure(state);
    const until = trips ? addDaysToInstant(outcome.now, BREAKER_COOLDOWN_DAYS) : null;
    return draft(state, outcome.now, {
      ...common,
      skip_reason: outcome.skipReason,
      circuit_breaker_tripped: trips,
      circuit_breaker_until: until,
      event_type: trips ? "trip" : "failure",
      notes: `Attempt ${n}: ${pctText(outcome.completenessPct)}` + (trips ? `; circuit breaker tripped until ${until}` : ""),
    });
  }
  if (state.status === "half_open" || (state.status === "closed" && state.lastEvent === "override")) {
    const after = state.status === "half_open" ? "after cooldown" : "after manual override";
    return draft(state, outcome.now, {
      ...common,
      event_type: "recovery",
      notes: `Attempt ${n}: ${pctText(outcome.completenessPct)}; recovered ${after}`,
    });
  }
  if (state.status === "failing") {
    return draft(state, outcome.now, {
      ...common,
      event_type: "success",
      notes: `Attempt ${n}: ${pctText(outcome.completenessPct)}; succeeded after ${state.consecutiveFailures} failure(s)`,
    });
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Operator writes

export type BreakerConflict = "forbidden" | "not_active" | "nothing_to_reset";

export type BreakerWrite =
  | { ok: true; replay: false; row: AttemptDraft }
  | { ok: true; replay: true }
  | { ok: false; conflict: BreakerConflict; state: BreakerState };

export interface OverrideRequest {
  actor: string;
  role: Role;
  /** A short machine-readable reason (e.g. data_now_complete, false_positive). */
  reasonCode: string;
  /** The operator's words, required. */
  reason: string;
  requestId: string;
  now: Date | string;
  /** Set by a bulk override: one id shared by every key of the confirmed set. */
  batchId?: string | null;
}

function requireText(value: string, what: string): void {
  if (value.trim() === "") throw new RangeError(`${what} is required`);
}

/**
 * Override (operator or admin): un-trip an ACTIVE key now, restarting its failure count.
 * Checked in this order: role (forbidden), replay of the same request (no new row, even if the
 * key has since changed), state (a key that is not active is a conflict, not a silent no-op).
 */
export function overrideRow(state: BreakerState, req: OverrideRequest): BreakerWrite {
  requireText(req.actor, "actor");
  requireText(req.reason, "reason");
  requireText(req.requestId, "requestId");
  if (!CAN.override(req.role)) return { ok: false, conflict: "forbidden", state };
  if (hasRequest(state, req.requestId)) return { ok: true, replay: true };
  if (state.status !== "active") return { ok: false, conflict: "not_active", state };
  const verb = req.batchId ? "Bulk override" : "Manual override";
  return {
    ok: true,
    replay: false,
    row: draft(state, req.now, {
      completeness_pct: state.lastCompletenessPct,
      skip_reason: OVERRIDE_SKIP_REASON,
      manual_override_applied: true,
      event_type: "override",
      actor: req.actor,
      reason_code: req.reasonCode,
      request_id: req.requestId,
      batch_id: req.batchId ?? null,
      notes: `${verb} applied by ${req.actor} on ${formatUtcForNotes(req.now)}. Reason: ${req.reason}`,
    }),
  };
}

export type ResetRequest = Omit<OverrideRequest, "batchId" | "reasonCode"> & { reasonCode?: string | null };

export type ResetWrite =
  | { ok: true; replay: false; row: AttemptDraft; rowsRemoved: number }
  | { ok: true; replay: true }
  | { ok: false; conflict: BreakerConflict; state: BreakerState };

/**
 * Reset (admin only, destructive): the caller deletes ALL of the key's rows (earlier RESET rows
 * included) and inserts the returned row, in one transaction, so that exactly one RESET row
 * remains: attempt_number 0, skip_reason 'RESET', manual_override_applied TRUE (as the
 * original wrote it), rows_removed = how many rows went, notes in the original's format.
 * A key with nothing after its last reset is a conflict (`nothing_to_reset`).
 */
export function resetRows(state: BreakerState, req: ResetRequest): ResetWrite {
  requireText(req.actor, "actor");
  requireText(req.reason, "reason");
  requireText(req.requestId, "requestId");
  if (!CAN.reset(req.role)) return { ok: false, conflict: "forbidden", state };
  if (hasRequest(state, req.requestId)) return { ok: true, replay: true };
  if (state.rowsSinceReset === 0) return { ok: false, conflict: "nothing_to_reset", state };
  const count = state.rowCount;
  return {
    ok: true,
    replay: false,
    rowsRemoved: count,
    row: {
      ...draft(state, req.now, {}),
      attempt_number: 0,
      skip_reason: RESET_SKIP_REASON,
      manual_override_applied: true,
      event_type: "reset",
      actor: req.actor,
      reason_code: req.reasonCode ?? null,
      request_id: req.requestId,
      rows_removed: count,
      notes: `RESET: All previous attempts deleted by ${req.actor} on ${formatUtcForNotes(req.now)}. Reason: ${req.reason}. Previous attempts: ${count}`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What an override led to

export const OVERRIDE_OUTCOMES = ["processed", "failed_again", "re_tripped", "pending"] as const;
/**
 * After an override the key's next attempt decides: `processed` (a success or recovery row, or
 * the processor's output written as processed after the override — the original Python
 * processors write no success rows), `failed_again` (a failure that did not trip),
 * `re_tripped` (a failure that tripped: with the original reader the one retry an override gives
 * trips at once), `pending` (no run since).
 */
export type OverrideOutcome = (typeof OVERRIDE_OUTCOMES)[number];

export interface OverrideResultRow {
  /** When the override was applied (ISO instant). */
  at: string;
  actor: string | null;
  request_id: string | null;
  batch_id: string | null;
  outcome: OverrideOutcome;
  /** When the deciding attempt or output happened; null while pending. */
  decided_at: string | null;
}

/**
 * Every override among a key's rows (attempt order) with its outcome. `processedAt` is when the
 * key's output row was last written as processed (not skipped), if the caller knows it: it
 * decides `processed` for an override no attempt row followed before it. A reset or another
 * override before any attempt leaves the override `pending` (it never ran).
 */
export function overrideOutcomes(rows: readonly BreakerRowInput[], processedAt: string | null = null): OverrideResultRow[] {
  const sorted = sortAttempts(rows);
  const results: OverrideResultRow[] = [];
  sorted.forEach((row, i) => {
    if (eventOf(row) !== "override") return;
    const at = toPreciseInstant(row.attempted_at);
    const atUs = instantMicros(at);
    let outcome: OverrideOutcome = "pending";
    let decidedAt: string | null = null;
    let boundUs = Number.POSITIVE_INFINITY;
    for (const next of sorted.slice(i + 1)) {
      const event = eventOf(next);
      if (event === "override" || event === "reset") {
        boundUs = instantMicros(next.attempted_at);
        break;
      }
      decidedAt = toPreciseInstant(next.attempted_at);
      outcome = event === "trip" ? "re_tripped" : event === "failure" ? "failed_again" : "processed";
      break;
    }
    if (processedAt !== null) {
      const pUs = instantMicros(processedAt);
      const before = decidedAt === null ? boundUs : instantMicros(decidedAt);
      if (pUs > atUs && pUs < before) {
        outcome = "processed";
        decidedAt = toPreciseInstant(processedAt);
      }
    }
    results.push({ at, actor: row.actor ?? null, request_id: row.request_id ?? null, batch_id: row.batch_id ?? null, outcome, decided_at: decidedAt });
  });
  return results;
}
