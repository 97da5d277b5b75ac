import "server-only";

import { cache } from "react";

import { type Actor, requireRole } from "@/lib/auth/session";
import { type AuditFilter, type AuditKeysParams, type AuditListParams, type AuditSort, auditKeysShown } from "@/lib/breakers/schemas";
import { type OutcomeCounts, REMOVED_OUTCOME, type ShownOutcome, countOutcomes } from "@/lib/breakers/outcomes";
import type { OverrideResultRow } from "@/lib/completeness/breaker";
import type { KeyChange } from "@/lib/breakers/changes";
import { keyString } from "@/lib/engine/breaker-writes";
import { readOverrideOutcomes } from "@/lib/engine/override-outcomes";
import type { CsvColumn } from "@/lib/format";
import { type ListPage, type SortDir, limitOffset } from "@/lib/paging";
import { type AuditRecordRow, auditKeys, auditOrder, auditPage, auditRecord } from "@/lib/queries/breakers";
import { getWarehouse } from "@/lib/warehouse";
import type { Warehouse } from "@/lib/warehouse/types";

import { JsonArrayReader, leadingElements } from "./json-array-reader";

/** An audit record as the list shows it: its first keys (`keys_shown` of the page), their number and what its overrides led to. */
export interface AuditEntry {
  audit_id: string;
  created_at: string;
  action: string;
  actor: string;
  actor_role: string;
  reason_code: string | null;
  reason: string;
  request_id: string;
  /** How many keys the write changed (every one of them is paged at GET /api/v1/audit/<audit_id>/keys). */
  key_count: number;
  /** The first keys of the record, in the order the write listed them. */
  keys: AuditKey[];
  /** Whether the record has keys beyond `keys`. */
  keys_truncated: boolean;
  /** Resets: how many rows the reset deleted (its record keeps them); null for other actions and for resets recorded before records kept them. */
  rows_removed: number | null;
  /** Override and bulk override records: all their keys' outcomes counted; null for other actions. */
  outcome_counts: OutcomeCounts | null;
}

/** A key a record changed; for an override, what the override led to. */
export interface AuditKey extends KeyChange {
  /** Override records only: the outcome of this record's override row of the key (`removed` once a reset deleted it). */
  outcome?: ShownOutcome;
  /** When the deciding attempt or output happened; null while pending or removed. */
  outcome_decided_at?: string | null;
}

/** A page of the audit, and how many keys each record lists at most. */
export interface AuditPage extends ListPage<AuditEntry> {
  keys_shown: number;
}

/** An audit record without its keys (the header of its keys page). */
export type AuditRecord = AuditRecordRow;

/** A page of one record's keys: the record, and its keys from `(page - 1) × page_size` in the write's order. */
export interface AuditKeysPage extends ListPage<AuditKey> {
  record: AuditRecord;
}

/** The actions whose records appended override rows. */
const OVERRIDE_ACTIONS = new Set(["override", "bulk_override"]);

/** Without dates: the last 90 days (the audit partitions read). */
const DEFAULT_DAYS = 90;

/**
 * An upper bound of one key's JSON in keys_json (a key with its before → after states is about
 * 320 characters): the list reads this many characters per key it shows, not the whole array.
 */
const KEY_CHARS = 1024;

/** A record's keys_json is read in pieces of this many characters (about 3,000 keys). */
const KEYS_PIECE_CHARS = 1024 * 1024;

/**
 * Outcomes are read for at most this many keys at once: one read of many keys costs far less
 * than several of fewer (its queries are per processor, not per key), and a bulk override of
 * thousands stays one batch.
 */
const OUTCOME_BATCH = 10_000;

/** The partition range a filter reads: its dates (date_to included), or the last 90 days. */
function windowOf(filter: AuditFilter, now: number): { created_from: string; created_to: string } {
  const to = filter.date_to ? new Date(Date.parse(`${filter.date_to}T00:00:00Z`) + 86_400_000) : new Date(now + 60_000);
  const from = filter.date_from ? new Date(`${filter.date_from}T00:00:00Z`) : new Date(to.getTime() - DEFAULT_DAYS * 86_400_000);
  return { created_from: from.toISOString(), created_to: to.toISOString() };
}

type PageRow = Awaited<ReturnType<typeof auditPage.run>>[number];

/** Records `offset`… of the filter, `keysChars` characters of each one's keys_json. */
function readRecords(wh: Warehouse, filter: AuditFilter & { sort: AuditSort; dir: SortDir }, window: ReturnType<typeof windowOf>, keysChars: number, limit: number, offset: number) {
  return auditPage.run(
    wh,
    { ...window, actor: filter.actor ?? "", action: filter.action ?? "", processor: filter.processor ?? "", keys_chars: keysChars, page_limit: limit, page_offset: offset },
    { audit_order: auditOrder(filter.sort, filter.dir) },
  );
}

/** The day partition of a record's created_at. */
function dayOf(createdAt: string): { created_from: string; created_to: string } {
  const from = Date.parse(`${createdAt.slice(0, 10)}T00:00:00Z`);
  return { created_from: new Date(from).toISOString(), created_to: new Date(from + 86_400_000).toISOString() };
}

/** Every key of a record, in the write's order, a piece of its keys_json at a time. */
async function* recordKeys(wh: Warehouse, record: { audit_id: string; created_at: string }, pieceChars = KEYS_PIECE_CHARS): AsyncGenerator<KeyChange[]> {
  const reader = new JsonArrayReader<KeyChange>();
  for (let from = 1; !reader.done; from += pieceChars) {
    const [row] = await auditKeys.run(wh, { audit_id: record.audit_id, ...dayOf(record.created_at), from_char: from, chars: pieceChars });
    if (!row) return;
    const keys = reader.push(row.piece);
    if (keys.length > 0) yield keys;
    if (row.piece.length < pieceChars) return;
  }
}

/** A record's keys in batches of up to `size` (whole pieces gathered), for reads that cost per call, not per key. */
async function* keyBatches(wh: Warehouse, record: { audit_id: string; created_at: string }, size: number, pieceChars?: number): AsyncGenerator<KeyChange[]> {
  let batch: KeyChange[] = [];
  for await (const keys of recordKeys(wh, record, pieceChars)) {
    batch.push(...keys);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Per key (`keyString`), its overrides with their outcomes at `now`, read a batch of keys at a time. */
async function outcomesOf(wh: Warehouse, keys: readonly KeyChange[], now: string): Promise<Map<string, readonly OverrideResultRow[]>> {
  const unique = [...new Map(keys.map((k) => [keyString(k), { processor: k.processor, entity_id: k.entity_id, analysis_date: k.analysis_date }])).values()];
  const out = new Map<string, readonly OverrideResultRow[]>();
  for (let i = 0; i < unique.length; i += OUTCOME_BATCH) {
    for (const [k, rows] of await readOverrideOutcomes(wh, unique.slice(i, i + OUTCOME_BATCH), now)) out.set(k, rows);
  }
  return out;
}

/** A key of an override record with the outcome of the override row that record appended (its request id); `removed` when that row is gone. */
function withOutcome(k: KeyChange, requestId: string, outcomes: ReadonlyMap<string, readonly OverrideResultRow[]>): AuditKey {
  const row = outcomes.get(keyString(k))?.find((o) => o.request_id === requestId);
  return { ...k, outcome: row?.outcome ?? REMOVED_OUTCOME, outcome_decided_at: row?.decided_at ?? null };
}

/** How many rows a reset's record kept (every row it deleted); null when it kept none. */
export function rowsRemoved(removedRowsJson: string | null): number | null {
  if (removedRowsJson === null) return null;
  const rows: unknown = JSON.parse(removedRowsJson);
  return Array.isArray(rows) ? rows.length : null;
}

/**
 * Whether a record's keys_json came whole in a head of `headChars` characters. Both counts are
 * the warehouse's characters (code points), not JavaScript's UTF-16 units.
 */
const headIsWhole = (row: PageRow, headChars: number) => row.keys_chars <= headChars;

/**
 * The records of a chunk with their keys: each record's complete head keys, and for an override
 * record the outcomes of those keys. Records whose head is whole need no other read; their
 * override keys' outcomes are read together (`wholeOnly`: only those of records whose head of
 * `headChars` is whole, the others' keys being read whole later).
 */
async function headOutcomes(wh: Warehouse, rows: readonly PageRow[], now: string, wholeOnly: { headChars: number } | null) {
  const heads = rows.map((row) => ({ row, keys: leadingElements<KeyChange>(row.keys_head) }));
  const overrideKeys = heads.filter((h) => OVERRIDE_ACTIONS.has(h.row.action) && (!wholeOnly || headIsWhole(h.row, wholeOnly.headChars))).flatMap((h) => h.keys);
  return { heads, outcomes: await outcomesOf(wh, overrideKeys, now) };
}

/**
 * One page of the audit of console writes (viewer), sorted and filtered in the warehouse; each
 * record lists its first keys (`keys_shown`) and, for an override, all its keys' outcomes
 * counted. Read-only: nothing edits or deletes it.
 */
export const listAuditPage = cache(async (params: AuditListParams, actor?: Actor | null): Promise<AuditPage> => {
  await requireRole("viewer", actor);
  const wh = getWarehouse();
  const now = new Date().toISOString();
  const window = windowOf(params, Date.parse(now));
  const keysShown = auditKeysShown(params.page_size);
  const { limit, offset } = limitOffset(params);
  const rows = await readRecords(wh, params, window, keysShown * KEY_CHARS, limit, offset);
  // A page past the last one has no row to carry the total: one row of the first page does.
  const total = rows[0]?.total ?? (offset > 0 ? ((await readRecords(wh, params, window, 0, 1, 0))[0]?.total ?? 0) : 0);
  const { heads, outcomes } = await headOutcomes(wh, rows, now, null);
  const entries: AuditEntry[] = [];
  for (const { row, keys: head } of heads) {
    const { keys_head: _head, keys_chars: _chars, total: _total, removed_rows_json, ...record } = row;
    const isOverride = OVERRIDE_ACTIONS.has(row.action);
    const shown = head.slice(0, keysShown).map((k) => (isOverride ? withOutcome(k, row.request_id, outcomes) : k));
    let counts: OutcomeCounts | null = null;
    if (isOverride && headIsWhole(row, keysShown * KEY_CHARS)) counts = countOutcomes(head.map((k) => withOutcome(k, row.request_id, outcomes).outcome));
    else if (isOverride) {
      // A write of many keys: every key's outcome, counted a piece of its keys at a time.
      counts = countOutcomes([]);
      for await (const keys of keyBatches(wh, row, OUTCOME_BATCH)) {
        const found = await outcomesOf(wh, keys, now);
        for (const k of keys) counts[withOutcome(k, row.request_id, found).outcome!] += 1;
      }
    }
    entries.push({ ...record, keys: shown, keys_truncated: row.key_count > shown.length, rows_removed: rowsRemoved(removed_rows_json), outcome_counts: counts });
  }
  return { rows: entries, page: params.page, page_size: params.page_size, total, keys_shown: keysShown };
});

/**
 * One record's keys, a page at a time in the order the write listed them (viewer), with what an
 * override led to for each; null for an unknown record. The record is found by its id in the
 * small columns, then its keys are read from its one partition, piece by piece up to the page.
 */
export const getAuditKeys = cache(async (auditId: string, params: AuditKeysParams, actor?: Actor | null): Promise<AuditKeysPage | null> => {
  await requireRole("viewer", actor);
  const wh = getWarehouse();
  const [record] = await auditRecord.run(wh, { audit_id: auditId });
  if (!record) return null;
  const { limit, offset } = limitOffset(params);
  const page: KeyChange[] = [];
  let seen = 0;
  for await (const keys of recordKeys(wh, record)) {
    page.push(...keys.slice(Math.max(0, offset - seen), Math.max(0, offset + limit - seen)));
    seen += keys.length;
    if (seen >= offset + limit) break;
  }
  const rows = OVERRIDE_ACTIONS.has(record.action)
    ? await outcomesOf(wh, page, new Date().toISOString()).then((found) => page.map((k) => withOutcome(k, record.request_id, found)))
    : page;
  return { record, rows, page: params.page, page_size: params.page_size, total: record.key_count };
});

/** One line of the audit's CSV: a record and one key it changed (none for a record that changed no key). */
export interface AuditCsvRow {
  e: Omit<AuditEntry, "keys" | "keys_truncated" | "outcome_counts">;
  k?: AuditKey;
}

/**
 * The audit's CSV columns: one line per key changed (before → after, and for an override what it
 * led to), formula-injection safe (csvField quotes what a spreadsheet would run).
 */
export const AUDIT_CSV_COLUMNS: readonly CsvColumn<AuditCsvRow>[] = [
  { header: "created_at", value: (r) => r.e.created_at },
  { header: "action", value: (r) => r.e.action },
  { header: "actor", value: (r) => r.e.actor },
  { header: "role", value: (r) => r.e.actor_role },
  { header: "reason_code", value: (r) => r.e.reason_code },
  { header: "reason", value: (r) => r.e.reason },
  { header: "processor", value: (r) => r.k?.processor ?? null },
  { header: "entity_id", value: (r) => r.k?.entity_id ?? null },
  { header: "analysis_date", value: (r) => r.k?.analysis_date ?? null },
  { header: "before", value: (r) => r.k?.before.status ?? null },
  { header: "after", value: (r) => r.k?.after.status ?? null },
  { header: "outcome", value: (r) => r.k?.outcome ?? null },
  { header: "outcome_decided_at", value: (r) => r.k?.outcome_decided_at ?? null },
  { header: "request_id", value: (r) => r.e.request_id },
  { header: "rows_removed", value: (r) => r.e.rows_removed },
];

/**
 * How the CSV reads the audit: records per query, the characters of keys_json each brings
 * (larger ones are read in pieces), and the keys of a large override record whose outcomes are
 * read at once (fewer than the list's batch: the export holds one batch's rows and lines).
 */
export interface AuditCsvChunks {
  records: number;
  headChars: number;
  outcomeKeys: number;
  /** The characters of keys_json per piece. */
  pieceChars: number;
}

const CSV_CHUNKS: AuditCsvChunks = { records: 200, headChars: 64 * 1024, outcomeKeys: 2_000, pieceChars: KEYS_PIECE_CHARS };

/**
 * Every line of the audit's CSV for a filter and order (viewer): every key row of every selected
 * record, a record that changed no key (a pipeline report whose entities were all skips that are
 * no attempts) as one line with the key columns empty. Read from the warehouse a chunk of records
 * at a time, and a record of many keys a piece of its keys at a time, so the server holds one
 * chunk however long the audit. The role is checked, and the first chunk read, before it answers.
 */
export async function auditCsvLines(
  filter: AuditFilter & { sort: AuditSort; dir: SortDir },
  actor?: Actor | null,
  chunks: AuditCsvChunks = CSV_CHUNKS,
): Promise<AsyncIterable<readonly AuditCsvRow[]>> {
  await requireRole("viewer", actor);
  const wh = getWarehouse();
  const now = new Date().toISOString();
  const window = windowOf(filter, Date.parse(now));
  // The first chunk is read before the answer starts: a warehouse that fails then is refused
  // with a status, not sent as a download that ends early.
  const first = await readRecords(wh, filter, window, chunks.headChars, chunks.records, 0);
  return (async function* () {
    for (let offset = 0; ; offset += chunks.records) {
      const rows = offset === 0 ? first : await readRecords(wh, filter, window, chunks.headChars, chunks.records, offset);
      const { heads, outcomes } = await headOutcomes(wh, rows, now, { headChars: chunks.headChars });
      let lines: AuditCsvRow[] = [];
      for (const { row, keys: head } of heads) {
        const { keys_head: _head, keys_chars: _chars, total: _total, removed_rows_json, ...record } = row;
        const e = { ...record, rows_removed: rowsRemoved(removed_rows_json) };
        const isOverride = OVERRIDE_ACTIONS.has(row.action);
        if (headIsWhole(row, chunks.headChars)) {
          if (head.length === 0) lines.push({ e });
          for (const k of head) lines.push({ e, k: isOverride ? withOutcome(k, row.request_id, outcomes) : k });
          continue;
        }
        for await (const keys of keyBatches(wh, row, isOverride ? chunks.outcomeKeys : 1, chunks.pieceChars)) {
          const found = isOverride ? await outcomesOf(wh, keys, now) : null;
          for (const k of keys) lines.push({ e, k: found ? withOutcome(k, row.request_id, found) : k });
          yield lines;
          lines = [];
        }
      }
      if (lines.length > 0) yield lines;
      if (rows.length < chunks.records) return;
    }
  })();
}
