import "server-only";

import { createHash, randomUUID } from "node:crypto";

import {
  type AttemptRow,
  type BreakerRowInput,
  type BreakerState,
  type StoredAttemptRow,
  deriveBreakerState,
  overrideRow,
  resetRows,
  withKey,
} from "@/lib/completeness/breaker";
import { type IsoDate, addDaysToInstant, instantMicros } from "@/lib/completeness/dates";
import type { BreakerKeyRef, BulkPreview, KeyChange, KeyStateSummary, ResetRecord } from "@/lib/breakers/changes";
import type { AuditAction } from "@/lib/breakers/schemas";
import { CAN, type Role } from "@/lib/auth/roles";
import { type BreakerReader, type Deployment, overrideConsequence } from "@/lib/completeness/deployment";
import { type ProcessorName, getProcessor } from "@/lib/completeness/processors";
import { type RestoreAvailability, RESTORE_WINDOW_DAYS, restoreAvailability } from "@/lib/completeness/restore";
import {
  type AuditRequestRow,
  type ResetRecordRow,
  appendAudit,
  appendOperatorAttempts,
  attemptRow as storedAttemptRow,
  auditByRequest,
  deleteKeyRows,
  keyRows,
  keysUnchanged,
  resetRecords,
  restoreAttempts,
} from "@/lib/queries/breakers";
import { GuardFailedError, type SqlStatement, type Statement, type Warehouse } from "@/lib/warehouse/types";

/**
 * The operator writes on circuit breakers — override, bulk override, reset — as library
 * functions shared by the console's actions, the JSON API, the CLI and the demo simulator.
 *
 * Every write:
 * - reads the current rows of its keys and derives their state (never trusts the client's
 *   view) at the later of the request's clock and the latest row it read, and is stamped with
 *   that instant: a write never ignores a row it has seen, so two operators cannot both
 *   override one key. With clocks in step (and a demo that never writes ahead of its build)
 *   that is the state the active list shows at `now`, so a listed key can be overridden;
 * - writes under the name the deployment's pipeline reads for the processor, and says what an
 *   override really does for that processor's breaker reader (`consequence`);
 * - is idempotent by `requestId`: a request already applied (found in the audit log, which
 *   outlives a reset's deletions) is answered as a replay and writes nothing. A request id names
 *   ONE request: the audit record keeps a fingerprint (SHA-256 of actor, action and normalized
 *   body), and the same id with another fingerprint is refused as `reused`, never answered with
 *   the other request's result;
 * - is checked against the current state: overriding a key that is not active is a conflict
 *   naming who changed it and when, never a silent no-op;
 * - appends its breaker rows and ONE audit record in one transaction, guarded by
 *   `keys_unchanged.sql`: if any of the keys' rows changed between the read and the commit,
 *   nothing is written and the write is re-evaluated on fresh state (at most 3 times).
 * Values travel only as parameters; the reason is stored verbatim.
 */

export interface WriteRequest {
  actor: string;
  role: Role;
  reasonCode: string | null;
  reason: string;
  requestId: string;
  now: string;
  /**
   * The deployment in force: operator rows carry its pipeline name for the key's processor (the
   * name that processor's breaker reader looks up), and what an override will really do
   * (`consequence`) follows its breaker reader.
   */
  deployment: Deployment;
}

export type WriteError =
  | { ok: false; error: "forbidden"; message: string }
  | { ok: false; error: "not_found"; message: string }
  | { ok: false; error: "invalid"; message: string; field: string }
  | { ok: false; error: "conflict"; message: string; keys: KeyChange[] }
  | { ok: false; error: "stale"; message: string }
  | { ok: false; error: "reused"; message: string };

export type WriteOutcome<T> = { ok: true; replay: boolean; data: T } | WriteError;

/** How long a request id is remembered for replays. */
const REPLAY_WINDOW_DAYS = 7;
const EPOCH = "1970-01-01T00:00:00.000Z";
const MAX_TRIES = 3;

type WriteAction = "override" | "bulk_override" | "reset" | "restore";

/**
 * What a request id stands for: who, which write, and the body as the write understood it
 * (keys sorted, the reason as stored). Two sends of the same request give the same value.
 */
export function requestFingerprint(action: WriteAction, req: WriteRequest, body: Record<string, unknown>): string {
  const canonical = JSON.stringify([action, req.actor, req.role, req.reasonCode, req.reason, body]);
  return createHash("sha256").update(canonical).digest("hex");
}

const sortedKeys = (keys: readonly BreakerKeyRef[]) => keys.map(keyString).sort();


export function keyString(key: BreakerKeyRef): string {
  return `${key.processor}|${key.entity_id}|${key.analysis_date}`;
}

export function summarize(state: BreakerState): KeyStateSummary {
  return {
    status: state.status,
    attemptCount: state.attemptCount,
    consecutiveFailures: state.consecutiveFailures,
    until: state.until,
    lastEvent: state.lastEvent,
  };
}

interface KeySnapshot {
  key: BreakerKeyRef;
  rows: BreakerRowInput[];
  /** The same rows with every column as stored (what a reset keeps in its audit record). */
  stored: StoredAttemptRow[];
  state: BreakerState;
}

interface Snapshot {
  keys: KeySnapshot[];
  /** The filter the rows were read with, and what it returned: the guard compares these. */
  filter: { processor_names: string[]; date_from: IsoDate; date_to: IsoDate; entity_ids: string[] };
  rowCount: number;
  lastAttemptAt: string;
  /**
   * The instant the states were derived at, and a write based on them is stamped with: the
   * request's clock, or the latest row read when that is later (a row another request committed
   * while this one waited, or a writer whose clock runs ahead). A write never sorts before rows
   * it has seen, and never decides on a state that ignores them: two operators overriding one
   * key at once cannot both apply.
   */
  now: string;
}

/** The read of a set of keys' rows: every name of their processors × their dates' span × their entities. */
export function keyRowsFilter(keys: readonly BreakerKeyRef[]): Snapshot["filter"] {
  const processors = [...new Set(keys.map((k) => k.processor))].map(getProcessor);
  const dates = keys.map((k) => k.analysis_date).sort();
  return {
    processor_names: processors.flatMap((p) => [p.name, ...p.aliases]),
    date_from: dates[0]!,
    date_to: dates.at(-1)!,
    entity_ids: [...new Set(keys.map((k) => k.entity_id))],
  };
}

/** Read the rows of a set of keys in one query and derive each key's state at `now`. */
export async function readKeys(wh: Warehouse, keys: readonly BreakerKeyRef[], now: string): Promise<Snapshot> {
  const processors = [...new Set(keys.map((k) => k.processor))].map(getProcessor);
  const filter = keyRowsFilter(keys);
  const rows = await keyRows.run(wh, filter);
  const canonical = new Map(processors.flatMap((p) => [p.name, ...p.aliases].map((n) => [n, p.name] as const)));
  const byKey = new Map<string, StoredAttemptRow[]>();
  for (const row of rows) {
    const k = keyString({ processor: canonical.get(row.processor_name)!, entity_id: row.entity_id, analysis_date: row.analysis_date });
    byKey.set(k, [...(byKey.get(k) ?? []), row]);
  }
  // What the guard compares: the requested keys' rows only (the read's filter is a box of
  // processors × dates × entities that also holds other keys, which the pipeline may be writing
  // meanwhile). The latest instant exactly as stored (microseconds from the pipeline), compared
  // as an instant: the guard compares MAX(attempted_at) with it at the warehouse's precision.
  const ownRows = [...new Set(keys.map(keyString))].flatMap((k) => byKey.get(k) ?? []);
  const lastAttemptAt = ownRows.reduce((max, r) => (instantMicros(r.attempted_at) > instantMicros(max) ? r.attempted_at : max), EPOCH);
  const at = instantMicros(lastAttemptAt) > instantMicros(now) ? lastAttemptAt : now;
  return {
    keys: keys.map((key) => {
      const stored = byKey.get(keyString(key)) ?? [];
      return { key, rows: stored, stored, state: deriveBreakerState(stored, at) };
    }),
    filter,
    rowCount: ownRows.length,
    lastAttemptAt,
    now: at,
  };
}

/** A key as `reprocess_attempts` stores it: under the name the deployment's pipeline reads. */
function storedKey(key: BreakerKeyRef, deployment: Deployment) {
  return { processor_name: deployment[key.processor].pipelineName, entity_id: key.entity_id, analysis_date: key.analysis_date };
}

/**
 * What an override of these processors' keys will really do, in the words of
 * `overrideConsequence` for each breaker reader in use; with mixed readers, each sentence names
 * its processors.
 */
export function consequenceOf(deployment: Deployment, processors: Iterable<ProcessorName>): string {
  const byReader = new Map<BreakerReader, ProcessorName[]>();
  for (const p of new Set(processors)) {
    const reader = deployment[p].reader;
    byReader.set(reader, [...(byReader.get(reader) ?? []), p]);
  }
  const readers = [...byReader.keys()];
  // No processor named (an empty selection): the sentence of the readers the deployment has.
  if (readers.length === 0) return consequenceOf(deployment, Object.keys(deployment) as ProcessorName[]);
  if (readers.length === 1) return overrideConsequence(readers[0]!);
  return [...byReader].map(([reader, names]) => `${names.sort().join(", ")}: ${overrideConsequence(reader)}`).join(" ");
}

/**
 * An override row for a processor read by the original pipeline must be one its read honours:
 * that read takes the key's row with the highest attempt_number and skips the key when it is
 * tripped. Checked on every row before it is written (all the key's rows, later-stamped ones
 * included), so an override can never be written that the processor would not see.
 */
function assertHonoured(row: AttemptRow, rows: readonly BreakerRowInput[], deployment: Deployment, processor: ProcessorName): void {
  if (deployment[processor].reader !== "original") return;
  const highest = Math.max(0, ...rows.map((r) => r.attempt_number));
  if (row.circuit_breaker_tripped || row.attempt_number <= highest) {
    throw new Error(`override row for ${processor}/${row.entity_id}/${row.analysis_date} would not be the latest untripped row (attempt ${row.attempt_number}, highest ${highest})`);
  }
}

function guardFor(snapshot: Snapshot, req: WriteRequest): SqlStatement {
  return keysUnchanged.statement({
    ...snapshot.filter,
    key_ids: snapshot.keys.map((k) => keyString(k.key)),
    expected_rows: snapshot.rowCount,
    expected_last: snapshot.lastAttemptAt,
    epoch: EPOCH,
    request_id: req.requestId,
    audit_since: addDaysToInstant(req.now, -REPLAY_WINDOW_DAYS),
  });
}

async function findReplay(wh: Warehouse, req: WriteRequest): Promise<AuditRequestRow | undefined> {
  const rows = await auditByRequest.run(wh, {
    request_id: req.requestId,
    audit_since: addDaysToInstant(req.now, -REPLAY_WINDOW_DAYS),
  });
  return rows[0];
}

/** Whether the recorded request is this one (older rows without a fingerprint: same actor and action). */
/**
 * Whether an audit record is this very request. Records written before fingerprints were kept
 * (NULL) are judged by what they hold: the action, the actor and, for a single-key write, the
 * key — so reusing an old id for another key is refused too.
 */
function sameRequest(audit: AuditRequestRow, check: RequestCheck): boolean {
  if (audit.request_fingerprint !== null) return audit.request_fingerprint === check.fingerprint;
  if (audit.action !== check.action || audit.actor !== check.req.actor) return false;
  if (!check.keys) return true;
  const written = (JSON.parse(audit.keys_json) as KeyChange[]).map(keyString).sort();
  return written.join("\n") === [...check.keys].sort().join("\n");
}

interface RequestCheck {
  action: WriteAction;
  req: WriteRequest;
  fingerprint: string;
  /** The keys of a single-key write (override, reset), for records without a fingerprint. */
  keys?: readonly string[];
}

function reused(req: WriteRequest): WriteError {
  return {
    ok: false,
    error: "reused",
    message: `request_id "${req.requestId}" was already used for a different request (another body, actor or action); send a new request_id`,
  };
}

/** One audit record: who, with which role, why, and every key with its state before and after. */
export function auditRecord(record: {
  action: AuditAction;
  actor: string;
  role: string;
  requestId: string;
  reasonCode: string | null;
  reason: string;
  now: string;
  changes: KeyChange[];
  fingerprint: string;
  /** A reset's deleted rows, every column as stored. */
  removedRows?: readonly StoredAttemptRow[];
  /** A restore's reset. */
  restoresAuditId?: string;
}): Statement {
  return appendAudit.statement([
      {
        audit_id: randomUUID(),
        action: record.action,
        actor: record.actor,
        actor_role: record.role,
        request_id: record.requestId,
        reason_code: record.reasonCode,
        reason: record.reason,
        key_count: record.changes.length,
        keys_json: JSON.stringify(record.changes),
        created_at: record.now,
        request_fingerprint: record.fingerprint,
        removed_rows_json: record.removedRows ? JSON.stringify(record.removedRows) : null,
        restores_audit_id: record.restoresAuditId ?? null,
      },
  ]);
}

function auditStatement(
  action: WriteAction,
  req: WriteRequest,
  changes: KeyChange[],
  fingerprint: string,
  extra: { removedRows?: readonly StoredAttemptRow[]; restoresAuditId?: string } = {},
): Statement {
  return auditRecord({ action, actor: req.actor, role: req.role, requestId: req.requestId, reasonCode: req.reasonCode, reason: req.reason, now: req.now, changes, fingerprint, ...extra });
}

/** Operator rows carry the role the actor used, so history shows the authority of each write. */
function attemptInsert(rows: AttemptRow[], role: Role): Statement {
  return appendOperatorAttempts.statement(rows.map((r) => ({ ...r, actor_role: role })));
}

/** The DELETE of every row of a key, under any name of its processor (a reset, a restore). */
function removeKeyRows(key: BreakerKeyRef): SqlStatement {
  const def = getProcessor(key.processor);
  return deleteKeyRows.statement({ analysis_date: key.analysis_date, entity_id: key.entity_id, processor_names: [def.name, ...def.aliases] });
}

/** Why a key cannot be overridden, in words an operator can act on. */
function conflictMessage(k: KeySnapshot): string {
  const s = k.state;
  const name = `${k.key.processor} / ${k.key.entity_id} / ${k.key.analysis_date}`;
  if (s.lastEvent === "override" && s.lastOverride) {
    return `${name} is not active: it was already overridden by ${s.lastOverride.actor ?? "an operator"} at ${s.lastOverride.at}`;
  }
  if (s.lastEvent === "reset" && s.lastReset) {
    return `${name} is not active: it was reset by ${s.lastReset.actor ?? "an admin"} at ${s.lastReset.at}`;
  }
  if (s.status === "half_open") return `${name} is not active: its cooldown ended at ${s.until}, the processor may retry it`;
  if (s.rowCount === 0) return `${name} has no breaker rows`;
  return `${name} is not active (${s.status.replace("_", " ")}${s.lastAttemptAt ? `, last attempt ${s.lastAttemptAt}` : ""})`;
}

/** The earlier application of this request id: its result as a replay, or `reused` when it was another request. */
function replayOf<T>(audit: AuditRequestRow, data: (changes: KeyChange[], audit: AuditRequestRow) => T, check?: RequestCheck): WriteOutcome<T> {
  if (check && !sameRequest(audit, check)) return reused(check.req);
  return { ok: true, replay: true, data: data(JSON.parse(audit.keys_json) as KeyChange[], audit) };
}

/**
 * Run `attempt` on fresh state until its guarded transaction commits, or MAX_TRIES reads found
 * the keys changing under it.
 */
async function withFreshState<T>(wh: Warehouse, req: WriteRequest, attempt: () => Promise<WriteOutcome<T> | "retry">): Promise<WriteOutcome<T>> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const outcome = await attempt();
    if (outcome !== "retry") return outcome;
  }
  return { ok: false, error: "stale", message: "The breaker rows kept changing while the write was applied; nothing was written. Try again." };
}

/**
 * A write on one key, on a fresh state each try: a request id already applied is answered from
 * its audit record; otherwise `write` gets the key's snapshot and the request stamped at the
 * snapshot's instant (never earlier than the latest row read).
 */
async function writeOneKey<T>(
  wh: Warehouse,
  key: BreakerKeyRef,
  req: WriteRequest,
  check: RequestCheck,
  fromAudit: (changes: KeyChange[], audit: AuditRequestRow) => T,
  write: (k: KeySnapshot, at: WriteRequest, snapshot: Snapshot) => Promise<WriteOutcome<T> | "retry">,
): Promise<WriteOutcome<T>> {
  return withFreshState(wh, req, async () => {
    const replay = await findReplay(wh, req);
    if (replay) return replayOf(replay, fromAudit, check);
    const snapshot = await readKeys(wh, [key], req.now);
    return write(snapshot.keys[0]!, { ...req, now: snapshot.now }, snapshot);
  });
}

/** Apply a guarded transaction: "retry" when its guard found the state changed (nothing written). */
export async function commit(wh: Warehouse, statements: Statement[], guard: Statement & { sql: string }, label: string): Promise<"retry" | "done"> {
  try {
    await wh.transaction(statements, { guard, label });
    return "done";
  } catch (error) {
    if (error instanceof GuardFailedError) return "retry";
    throw error;
  }
}

export interface OverrideResult {
  change: KeyChange;
  /** What the override really does for this processor's breaker reader. */
  consequence: string;
}

/** Override one active breaker now (operator or admin). */
export async function overrideBreaker(wh: Warehouse, key: BreakerKeyRef, req: WriteRequest): Promise<WriteOutcome<OverrideResult>> {
  if (!CAN.override(req.role)) return { ok: false, error: "forbidden", message: "Only operators and admins can override a breaker" };
  const fingerprint = requestFingerprint("override", req, { keys: sortedKeys([key]) });
  const check: RequestCheck = { action: "override", req, fingerprint, keys: [keyString(key)] };
  const consequence = consequenceOf(req.deployment, [key.processor]);
  const fromAudit = (changes: KeyChange[]) => ({ change: changes[0]!, consequence });
  return writeOneKey(wh, key, req, check, fromAudit, async (k, at, snapshot) => {
    const write = overrideRow(k.state, { ...at, reasonCode: req.reasonCode ?? "other" });
    if (!write.ok) {
      const change = { ...key, before: summarize(k.state), after: summarize(k.state) };
      return { ok: false, error: "conflict", message: conflictMessage(k), keys: [change] };
    }
    if (write.replay) {
      // The same request committed between our replay check and our read (its row and audit
      // record commit together): answer with what it wrote, as any replay does.
      const original = await findReplay(wh, req);
      if (original) return replayOf(original, fromAudit, check);
      return { ok: true, replay: true, data: { change: { ...key, before: summarize(k.state), after: summarize(k.state) }, consequence } };
    }
    const row = withKey(storedKey(key, req.deployment), write.row);
    assertHonoured(row, k.rows, req.deployment, key.processor);
    const change: KeyChange = { ...key, before: summarize(k.state), after: summarize(deriveBreakerState([...k.rows, row], at.now)) };
    const done = await commit(wh, [attemptInsert([row], req.role), auditStatement("override", at, [change], fingerprint)], guardFor(snapshot, req), "override_breaker");
    return done === "retry" ? "retry" : { ok: true, replay: false, data: { change, consequence } };
  });
}

/** sha256 over the keys to change and the state each was in: any change gives another token. */
export function previewToken(changes: readonly KeyChange[]): string {
  const canonical = changes
    .map((c) => [keyString(c), c.before.status, c.before.attemptCount, c.before.until, c.before.lastEvent].join("|"))
    .sort()
    .join("\n");
  return createHash("sha256").update(canonical).digest("base64url");
}

function planBulk(snapshot: Snapshot, req: WriteRequest & { batchId: string }): { preview: BulkPreview; rows: AttemptRow[] } {
  const changes: KeyChange[] = [];
  const skipped: BulkPreview["skipped"] = [];
  const rows: AttemptRow[] = [];
  for (const k of snapshot.keys) {
    const write = overrideRow(k.state, { ...req, reasonCode: req.reasonCode ?? "other", batchId: req.batchId });
    if (!write.ok || write.replay) {
      skipped.push({ key: k.key, reason: write.ok ? "already overridden by this request" : conflictMessage(k) });
      continue;
    }
    const row = withKey(storedKey(k.key, req.deployment), write.row);
    assertHonoured(row, k.rows, req.deployment, k.key.processor);
    rows.push(row);
    changes.push({ ...k.key, before: summarize(k.state), after: summarize(deriveBreakerState([...k.rows, row], req.now)) });
  }
  const consequence = consequenceOf(req.deployment, (changes.length ? changes : snapshot.keys.map((k) => k.key)).map((c) => c.processor));
  return { preview: { changes, skipped, token: previewToken(changes), consequence }, rows };
}

function dedupeKeys(keys: readonly BreakerKeyRef[]): BreakerKeyRef[] {
  return [...new Map(keys.map((k) => [keyString(k), k])).values()];
}

/** What a bulk override of these keys would do now. Reads only. */
export async function previewBulkOverride(wh: Warehouse, keys: readonly BreakerKeyRef[], now: string, deployment: Deployment): Promise<BulkPreview> {
  const unique = dedupeKeys(keys);
  if (unique.length === 0) return { changes: [], skipped: [], token: previewToken([]), consequence: consequenceOf(deployment, []) };
  const snapshot = await readKeys(wh, unique, now);
  const probe = { actor: "preview", role: "operator" as const, reasonCode: null, reason: "preview", requestId: "preview", now: snapshot.now, batchId: "preview", deployment };
  return planBulk(snapshot, probe).preview;
}

/**
 * Apply a previewed bulk override: all of the previewed keys or none. Refused as `stale` when
 * the set, or any key's state, differs from the preview the token was issued for.
 */
export async function applyBulkOverride(
  wh: Warehouse,
  keys: readonly BreakerKeyRef[],
  token: string,
  req: WriteRequest,
): Promise<WriteOutcome<{ changes: KeyChange[]; batchId: string; consequence: string }>> {
  if (!CAN.override(req.role)) return { ok: false, error: "forbidden", message: "Only operators and admins can override breakers" };
  const unique = dedupeKeys(keys);
  // The body as sent: the preview token binds the exact set of keys and their states. Not the keys
  // selected again now: once the first apply commits they are no longer active, and a retry of
  // the same request must be answered with its result, not refused as another request.
  const fingerprint = requestFingerprint("bulk_override", req, { token });
  const check = { action: "bulk_override" as const, req, fingerprint };
  const fromAudit = (changes: KeyChange[]) => ({ changes, batchId: req.requestId, consequence: consequenceOf(req.deployment, changes.map((c) => c.processor)) });
  return withFreshState(wh, req, async () => {
    const replay = await findReplay(wh, req);
    if (replay) return replayOf(replay, fromAudit, check);
    if (unique.length === 0) return { ok: false, error: "stale", message: "The preview selected no keys; nothing to apply" };
    const snapshot = await readKeys(wh, unique, req.now);
    const at = { ...req, now: snapshot.now };
    const { preview, rows } = planBulk(snapshot, { ...at, batchId: req.requestId });
    if (preview.token !== token || rows.length === 0) {
      const original = await findReplay(wh, req); // the same request committed since our replay check
      if (original) return replayOf(original, fromAudit, check);
      return {
        ok: false,
        error: "stale",
        message: "The breakers changed since the preview (a key was overridden, recovered or re-tripped); preview again before applying.",
      };
    }
    const done = await commit(
      wh,
      [attemptInsert(rows, req.role), auditStatement("bulk_override", at, preview.changes, fingerprint)],
      guardFor(snapshot, req),
      "bulk_override_breakers",
    );
    if (done === "retry") {
      // The guard failed: either this same request committed meanwhile (a concurrent identical
      // send — answer its result) or the keys changed (stale).
      const original = await findReplay(wh, req);
      if (original) return replayOf(original, fromAudit, check);
      return { ok: false, error: "stale", message: "The breakers changed while the override was applied; nothing was written. Preview again." };
    }
    return { ok: true, replay: false, data: { changes: preview.changes, batchId: req.requestId, consequence: preview.consequence } };
  });
}

/**
 * Reset one key (admin only, destructive): delete all its rows, whatever processor alias they
 * were written under, and leave one RESET row saying who, why and how many rows went. The audit
 * record keeps the deleted rows exactly (every column, timestamps with their stored
 * microseconds): the guard makes them exactly the rows the DELETE removes, so `restoreReset`
 * can put them back.
 */
export async function resetBreaker(
  wh: Warehouse,
  key: BreakerKeyRef,
  req: WriteRequest,
): Promise<WriteOutcome<{ change: KeyChange; rowsRemoved: number }>> {
  if (!CAN.reset(req.role)) return { ok: false, error: "forbidden", message: "Only admins can reset a breaker" };
  const fingerprint = requestFingerprint("reset", req, { keys: sortedKeys([key]) });
  const check: RequestCheck = { action: "reset", req, fingerprint, keys: [keyString(key)] };
  // The rows the reset deleted, as its record kept them (records from before they were kept: the
  // key's attempt count, the closest figure they hold).
  const fromAudit = (changes: KeyChange[], audit: AuditRequestRow) => ({
    change: changes[0]!,
    rowsRemoved: audit.removed_rows_json !== null ? (JSON.parse(audit.removed_rows_json) as unknown[]).length : (changes[0]?.before.attemptCount ?? 0),
  });
  return writeOneKey(wh, key, req, check, fromAudit, async (k, at, snapshot) => {
    const write = resetRows(k.state, at);
    if (!write.ok) {
      const change = { ...key, before: summarize(k.state), after: summarize(k.state) };
      const message = write.conflict === "nothing_to_reset" ? `${keyString(key)} has nothing to reset` : conflictMessage(k);
      return { ok: false, error: "conflict", message, keys: [change] };
    }
    if (write.replay) {
      const original = await findReplay(wh, req); // the same request committed since our replay check
      if (original) return replayOf(original, fromAudit, check);
      return { ok: false, error: "stale", message: "This request was already applied" };
    }
    // The RESET row under the pipeline's name: its reader then sees attempt 0, untripped, as the
    // key's latest row and numbers its next failure 1.
    const row = withKey(storedKey(key, req.deployment), write.row);
    const change: KeyChange = { ...key, before: summarize(k.state), after: summarize(deriveBreakerState([row], at.now)) };
    const done = await commit(
      wh,
      [removeKeyRows(key), attemptInsert([row], req.role), auditStatement("reset", at, [change], fingerprint, { removedRows: k.stored })],
      guardFor(snapshot, req),
      "reset_breaker",
    );
    return done === "retry" ? "retry" : { ok: true, replay: false, data: { change, rowsRemoved: write.rowsRemoved } };
  });
}

// ---------------------------------------------------------------------------------------------
// Restore: undo a reset

/** How far back a reset is looked up (partition filter); older ones are unknown (404). */
export const RESET_LOOKUP_DAYS = 365;

/** Which reset: by its audit record's id or by the request id it was applied with. */
export type ResetRef = { auditId: string } | { requestId: string };

/** A reset as its audit record holds it, with whether it can be restored now and why not. */
export interface RestorePreview {
  reset: ResetRecord;
  key: BreakerKeyRef;
  /** The rows the reset deleted, every column as stored (empty when its record kept none). */
  rows: StoredAttemptRow[];
  restoredBy: { audit_id: string; actor: string; at: string } | null;
  availability: RestoreAvailability;
  /** Until when it can be restored (the reset + RESTORE_WINDOW_DAYS). */
  restorableUntil: string;
}

export interface RestoreResult {
  change: KeyChange;
  rowsRestored: number;
  resetAuditId: string;
}

const keptRows = storedAttemptRow.array();

/** A reset's record read: its key, and the rows it kept (null when it kept none). */
function parseReset(record: ResetRecordRow): { key: BreakerKeyRef; kept: StoredAttemptRow[] | null } {
  const change = (JSON.parse(record.keys_json) as KeyChange[])[0]!;
  const key = { processor: change.processor, entity_id: change.entity_id, analysis_date: change.analysis_date };
  return { key, kept: record.removed_rows_json === null ? null : keptRows.parse(JSON.parse(record.removed_rows_json)) };
}

function previewOf(record: ResetRecordRow, current: readonly StoredAttemptRow[], now: string): RestorePreview {
  const { key, kept } = parseReset(record);
  const restoredBy =
    record.restore_audit_id !== null ? { audit_id: record.restore_audit_id, actor: record.restored_by ?? "", at: record.restored_at ?? "" } : null;
  return {
    reset: { audit_id: record.audit_id, request_id: record.request_id, actor: record.actor, reason: record.reason, created_at: record.created_at },
    key,
    rows: kept ?? [],
    restoredBy,
    availability: restoreAvailability({
      resetAt: record.created_at,
      resetRequestId: record.request_id,
      keptRows: kept === null ? null : kept.length,
      restored: restoredBy && { at: restoredBy.at, actor: restoredBy.actor },
      currentRows: current,
      now,
    }),
    restorableUntil: addDaysToInstant(record.created_at, RESTORE_WINDOW_DAYS),
  };
}

function resetLookup(refs: { auditIds: readonly string[]; requestIds: readonly string[] }, now: string) {
  return { audit_ids: [...refs.auditIds], request_ids: [...refs.requestIds], since: addDaysToInstant(now, -RESET_LOOKUP_DAYS) };
}

const refLists = (ref: ResetRef) => ("auditId" in ref ? { auditIds: [ref.auditId], requestIds: [] } : { auditIds: [], requestIds: [ref.requestId] });

/**
 * Reset records by audit id or request id, each with whether it can be restored at `now`: two
 * queries whatever the number of resets (the records with their restores, then every key's
 * current rows in one read).
 */
export async function previewRestores(wh: Warehouse, refs: { auditIds: readonly string[]; requestIds: readonly string[] }, now: string): Promise<RestorePreview[]> {
  if (refs.auditIds.length === 0 && refs.requestIds.length === 0) return [];
  const records = await resetRecords.run(wh, resetLookup(refs, now));
  // A reset names one restore at most (the restore's guard); should a join ever repeat a
  // record, its first row stands for it.
  const unique = [...new Map(records.map((r) => [r.audit_id, r])).values()];
  if (unique.length === 0) return [];
  const snapshot = await readKeys(wh, dedupeKeys(unique.map((r) => parseReset(r).key)), now);
  const current = new Map(snapshot.keys.map((k) => [keyString(k.key), k.stored]));
  return unique.map((r) => previewOf(r, current.get(keyString(parseReset(r).key)) ?? [], now));
}

/** One reset with whether it can be restored now; `not_found` for an unknown reset. */
export async function previewRestore(wh: Warehouse, ref: ResetRef, now: string): Promise<{ ok: true; data: RestorePreview } | WriteError> {
  const [found] = await previewRestores(wh, refLists(ref), now);
  return found ? { ok: true, data: found } : notFound(ref);
}

function notFound(ref: ResetRef): WriteError {
  const which = "auditId" in ref ? `audit id ${ref.auditId}` : `request id "${ref.requestId}"`;
  return { ok: false, error: "not_found", message: `No reset with ${which} in the last ${RESET_LOOKUP_DAYS} days` };
}

/**
 * Undo a reset (admin only): delete its RESET row and insert the rows it deleted exactly as its
 * audit record kept them (every column, `created_at` and microseconds included), with one audit
 * record (action `restore`, `restores_audit_id` naming the reset), in one transaction guarded on
 * the key still holding exactly the rows read (the RESET row alone) and the request id unused —
 * so of two restores racing, the second re-reads and finds the reset restored.
 * Refused as a conflict when the reset kept no rows, was already restored, is older than
 * RESTORE_WINDOW_DAYS, or the key changed since (`restoreAvailability`); `not_found` for an
 * unknown reset; `invalid` when `confirm` is not the key's entity id. Idempotent by request id:
 * the fingerprint names the reset by its audit id, however the request named it.
 */
export async function restoreReset(wh: Warehouse, ref: ResetRef, req: WriteRequest & { confirm: string }): Promise<WriteOutcome<RestoreResult>> {
  if (!CAN.restore(req.role)) return { ok: false, error: "forbidden", message: "Only admins can restore a reset" };
  return withFreshState(wh, req, async () => {
    const [record] = await resetRecords.run(wh, resetLookup(refLists(ref), req.now));
    if (!record) return notFound(ref);
    const { key, kept } = parseReset(record);
    const fingerprint = requestFingerprint("restore", req, { reset: record.audit_id, confirm: req.confirm });
    const check: RequestCheck = { action: "restore", req, fingerprint, keys: [keyString(key)] };
    const replay = await findReplay(wh, req);
    if (replay) return replayOf(replay, (changes) => ({ change: changes[0]!, rowsRestored: kept?.length ?? 0, resetAuditId: record.audit_id }), check);
    if (req.confirm !== key.entity_id) {
      return { ok: false, error: "invalid", field: "confirm", message: `must be the entity id of the reset's key (${key.entity_id}), typed exactly` };
    }
    const snapshot = await readKeys(wh, [key], req.now);
    const at = { ...req, now: snapshot.now };
    const k = snapshot.keys[0]!;
    const { availability } = previewOf(record, k.stored, at.now);
    if (!availability.ok) {
      return { ok: false, error: "conflict", message: availability.message, keys: [{ ...key, before: summarize(k.state), after: summarize(k.state) }] };
    }
    const rows = kept ?? [];
    const change: KeyChange = { ...key, before: summarize(k.state), after: summarize(deriveBreakerState(rows, at.now)) };
    const done = await commit(
      wh,
      [removeKeyRows(key), restoreAttempts.statement(rows), auditStatement("restore", at, [change], fingerprint, { restoresAuditId: record.audit_id })],
      guardFor(snapshot, req),
      "restore_reset",
    );
    return done === "retry" ? "retry" : { ok: true, replay: false, data: { change, rowsRestored: rows.length, resetAuditId: record.audit_id } };
  });
}
