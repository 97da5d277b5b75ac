import "server-only";

import { z } from "zod";

import { type AttemptRow, type StoredAttemptRow, storedAttemptRow } from "@/lib/completeness/breaker";
import { isoDate } from "@/lib/completeness/dates";
import { AUDIT_SORTS, type AuditSort } from "@/lib/breakers/schemas";
import type { SortDir } from "@/lib/paging";

import { defineInsert } from "./define-insert";
import { defineQuery } from "./define-query";
import { PROCESSORS, type ProcessorName } from "@/lib/completeness/processors";

import { breakerEventSql, canonicalProcessorSql, processorOutputsSql } from "./processor-outputs";

const ts = z.string();

/** The stored `reprocess_attempts` row (its one shape lives with the breaker rules). */
export const attemptRow = storedAttemptRow;

const ATTEMPTS_TABLE = "nba_orchestration.reprocess_attempts";
const STORED_COLUMNS = Object.keys(storedAttemptRow.shape) as (keyof StoredAttemptRow)[];
/**
 * The columns an appended row is written with: all but created_at (the table's default stamps
 * when the row was inserted), actor_role (only an operator's row carries one) and
 * override_expires_at (no write sets it).
 */
const APPENDED_COLUMNS = STORED_COLUMNS.filter(
  (c): c is Exclude<keyof StoredAttemptRow, "created_at" | "actor_role" | "override_expires_at"> =>
    c !== "created_at" && c !== "actor_role" && c !== "override_expires_at",
);

/** Attempt rows a processor run (in-process or through the check service) appends. */
export const appendAttempts = defineInsert<AttemptRow>({ table: ATTEMPTS_TABLE, columns: APPENDED_COLUMNS });

/** An operator's rows (override, reset), with the role the actor used. */
export const appendOperatorAttempts = defineInsert<AttemptRow & { actor_role: string | null }>({
  table: ATTEMPTS_TABLE,
  columns: [...APPENDED_COLUMNS, "actor_role"],
});

/** Rows put back exactly as they were stored (a restore), created_at included so the default does not restamp it. */
export const restoreAttempts = defineInsert<StoredAttemptRow>({ table: ATTEMPTS_TABLE, columns: STORED_COLUMNS });

/** A row schema's columns, in its order: the select list of a read that returns whole rows (`{{…_columns}}`). */
function columnsOf(row: z.ZodObject): string {
  return Object.keys(row.shape).join(",\n  ");
}

const ATTEMPT_COLUMNS = columnsOf(attemptRow);

export const keyRows = defineQuery({
  name: "breaker_key_rows",
  file: "breakers/key_rows.sql",
  params: z.object({
    processor_names: z.array(z.string()).min(1),
    date_from: isoDate,
    date_to: isoDate,
    entity_ids: z.array(z.string()),
  }),
  types: { processor_names: ["STRING"], date_from: "DATE", date_to: "DATE", entity_ids: ["STRING"] },
  row: attemptRow,
  fragments: { attempt_columns: [ATTEMPT_COLUMNS] },
});

/** Every row of every key of a range of analysis dates (the demo's retry pass derives which keys are due). */
export const attemptsBetween = defineQuery({
  name: "attempts_between",
  file: "breakers/attempts_between.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate }),
  types: { date_from: "DATE", date_to: "DATE" },
  row: attemptRow,
  fragments: { attempt_columns: [ATTEMPT_COLUMNS] },
});

/** The guard of console writes; used through its SQL text as a transaction guard. */
export const keysUnchanged = defineQuery({
  name: "keys_unchanged",
  file: "breakers/keys_unchanged.sql",
  params: z.object({
    processor_names: z.array(z.string()).min(1),
    date_from: isoDate,
    date_to: isoDate,
    entity_ids: z.array(z.string()),
    key_ids: z.array(z.string()).min(1),
    expected_rows: z.number().int().min(0),
    expected_last: ts,
    epoch: ts,
    request_id: z.string().min(1),
    audit_since: ts,
  }),
  types: {
    processor_names: ["STRING"],
    date_from: "DATE",
    date_to: "DATE",
    entity_ids: ["STRING"],
    key_ids: ["STRING"],
    expected_rows: "INT64",
    expected_last: "TIMESTAMP",
    epoch: "TIMESTAMP",
    request_id: "STRING",
    audit_since: "TIMESTAMP",
  },
  row: z.object({ ok: z.boolean() }),
  fragments: { canonical_processor: [canonicalProcessorSql()] },
});

export const auditRow = z.object({
  audit_id: z.string(),
  action: z.string(),
  actor: z.string(),
  actor_role: z.string(),
  request_id: z.string(),
  reason_code: z.string().nullable(),
  reason: z.string(),
  key_count: z.number().int(),
  keys_json: z.string(),
  created_at: ts,
});
export type AuditRow = z.infer<typeof auditRow>;

/**
 * An audit row with the fingerprint of the request it recorded (NULL on rows written before it),
 * on a restore's record the reset it undid, and on a reset's record the rows it deleted.
 */
export const auditRequestRow = auditRow.extend({
  request_fingerprint: z.string().nullable(),
  restores_audit_id: z.string().nullable(),
  removed_rows_json: z.string().nullable(),
});
export type AuditRequestRow = z.infer<typeof auditRequestRow>;

/** The audit record every console write appends with its rows. */
export const appendAudit = defineInsert<AuditRequestRow>({
  table: "nba_orchestration.breaker_audit_log",
  columns: Object.keys(auditRequestRow.shape) as (keyof AuditRequestRow)[],
});

export const auditByRequest = defineQuery({
  name: "audit_by_request",
  file: "breakers/audit_by_request.sql",
  params: z.object({ request_id: z.string().min(1), audit_since: ts }),
  types: { request_id: "STRING", audit_since: "TIMESTAMP" },
  row: auditRequestRow,
  fragments: { audit_columns: [columnsOf(auditRequestRow)] },
});

/** A reset's DELETE; used as a statement of the reset's transaction. */
export const deleteKeyRows = defineQuery({
  name: "delete_key_rows",
  file: "breakers/delete_key_rows.sql",
  params: z.object({ analysis_date: isoDate, entity_id: z.string().min(1), processor_names: z.array(z.string()).min(1) }),
  types: { analysis_date: "DATE", entity_id: "STRING", processor_names: ["STRING"] },
  row: z.object({}),
});

export const trippedKeys = defineQuery({
  name: "tripped_keys",
  file: "breakers/tripped_keys.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate }),
  types: { date_from: "DATE", date_to: "DATE" },
  row: z.object({ processor_name: z.string(), entity_id: z.string(), analysis_date: isoDate }),
});

/** Keys with enough failed attempts to be about to trip (candidates: the caller derives each state). */
export const failingKeys = defineQuery({
  name: "failing_keys",
  file: "breakers/failing_keys.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate, now: ts, min_failures: z.number().int().min(1) }),
  types: { date_from: "DATE", date_to: "DATE", now: "TIMESTAMP", min_failures: "INT64" },
  row: z.object({ processor_name: z.string(), entity_id: z.string(), analysis_date: isoDate }),
  fragments: { breaker_event: [breakerEventSql()] },
});

const auditLogRow = auditRow.extend({ removed_rows_json: z.string().nullable() });

export const auditLog = defineQuery({
  name: "audit_log",
  file: "breakers/audit_log.sql",
  params: z.object({ created_from: ts, created_to: ts, actor: z.string(), action: z.string(), processor: z.string() }),
  types: { created_from: "TIMESTAMP", created_to: "TIMESTAMP", actor: "STRING", action: "STRING", processor: "STRING" },
  row: auditLogRow,
  fragments: { audit_columns: [columnsOf(auditLogRow)] },
});

/** The ORDER BY list of an audit page: the sort column, then created_at and audit_id, all in `dir` (a total order). */
export function auditOrder(sort: AuditSort, dir: SortDir): string {
  const d = dir === "asc" ? "ASC" : "DESC";
  return sort === "created_at" ? `created_at ${d}, audit_id ${d}` : `${sort} ${d}, created_at ${d}, audit_id ${d}`;
}

const auditRecordRow = auditRow.omit({ keys_json: true });
export type AuditRecordRow = z.infer<typeof auditRecordRow>;

/** One page of the audit: each record without its keys but the head of their JSON, and the filter's total. */
export const auditPage = defineQuery({
  name: "audit_page",
  file: "breakers/audit_page.sql",
  params: z.object({
    created_from: ts,
    created_to: ts,
    actor: z.string(),
    action: z.string(),
    processor: z.string(),
    keys_chars: z.number().int().min(0),
    page_limit: z.number().int().min(1),
    page_offset: z.number().int().min(0),
  }),
  types: {
    created_from: "TIMESTAMP",
    created_to: "TIMESTAMP",
    actor: "STRING",
    action: "STRING",
    processor: "STRING",
    keys_chars: "INT64",
    page_limit: "INT64",
    page_offset: "INT64",
  },
  row: auditRecordRow.extend({ removed_rows_json: z.string().nullable(), keys_head: z.string(), keys_chars: z.number().int(), total: z.number().int() }),
  fragments: { audit_order: AUDIT_SORTS.flatMap((sort) => [auditOrder(sort, "desc"), auditOrder(sort, "asc")]) },
});

/** One audit record without its keys (the partition its keys are in follows from created_at). */
export const auditRecord = defineQuery({
  name: "audit_record",
  file: "breakers/audit_record.sql",
  params: z.object({ audit_id: z.string().min(1) }),
  types: { audit_id: "STRING" },
  row: auditRecordRow,
});

/** A piece of one audit record's keys_json, from a 1-based character for a number of characters. */
export const auditKeys = defineQuery({
  name: "audit_keys",
  file: "breakers/audit_keys.sql",
  params: z.object({ audit_id: z.string().min(1), created_from: ts, created_to: ts, from_char: z.number().int().min(1), chars: z.number().int().min(1) }),
  types: { audit_id: "STRING", created_from: "TIMESTAMP", created_to: "TIMESTAMP", from_char: "INT64", chars: "INT64" },
  row: z.object({ piece: z.string() }),
});

/** A reset's audit record with the rows it deleted, and the restore that undid it (NULLs when none). */
export const resetRecords = defineQuery({
  name: "reset_records",
  file: "breakers/reset_records.sql",
  params: z.object({ audit_ids: z.array(z.string()), request_ids: z.array(z.string()), since: ts }),
  types: { audit_ids: ["STRING"], request_ids: ["STRING"], since: "TIMESTAMP" },
  row: z.object({
    audit_id: z.string(),
    actor: z.string(),
    request_id: z.string(),
    reason: z.string(),
    keys_json: z.string(),
    created_at: ts,
    removed_rows_json: z.string().nullable(),
    restore_audit_id: z.string().nullable(),
    restored_by: z.string().nullable(),
    restored_at: ts.nullable(),
  }),
});
export type ResetRecordRow = z.infer<typeof resetRecords.row>;
/** One processor's output table as `processed_outputs.sql` reads it (registry values only). */
export function processedOutputSql(processor: ProcessorName): string {
  return processorOutputsSql({ columns: ["processing_decision_reason"], processors: [processor] });
}

/** When each key's output was last written as processed (not skipped), per processor. */
export const processedOutputs = defineQuery({
  name: "processed_outputs",
  file: "breakers/processed_outputs.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate, entity_ids: z.array(z.string()), observed_at: ts }),
  types: { date_from: "DATE", date_to: "DATE", entity_ids: ["STRING"], observed_at: "TIMESTAMP" },
  row: z.object({ entity_id: z.string(), date: isoDate, processed_at: ts }),
  fragments: { processor_output: PROCESSORS.map((p) => processedOutputSql(p.name)) },
});

/** Which of a set of keys were ever overridden (the filter of key_rows.sql). */
export const overriddenKeys = defineQuery({
  name: "overridden_keys",
  file: "breakers/overridden_keys.sql",
  params: keyRows.params,
  types: keyRows.types,
  row: z.object({ processor: z.string(), entity_id: z.string(), analysis_date: isoDate }),
  fragments: { canonical_processor: [canonicalProcessorSql()], breaker_event: [breakerEventSql()] },
});
