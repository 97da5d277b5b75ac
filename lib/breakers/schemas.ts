/**
 * One zod schema per write input, shared by the forms, the server actions, the JSON API and the
 * CLI, so no two of them can accept different inputs. Client-safe. Unknown fields are refused (`strict`), so a typo in an
 * automation script is an error, not a silently ignored filter.
 */
import { z } from "zod";

import { isoDate } from "@/lib/completeness/dates";
import { PROCESSOR_NAMES, resolveProcessorName } from "@/lib/completeness/processors";
import { listParamsSchema } from "@/lib/paging";

export const REASON_CODES = [
  "data_now_available",
  "scraper_outage_backfilled",
  "postponed_or_rescheduled",
  "schedule_error",
  "other",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const REASON_CODE_LABELS: Record<ReasonCode, string> = {
  data_now_available: "False positive — data now available",
  scraper_outage_backfilled: "Scraper outage backfilled",
  postponed_or_rescheduled: "Postponed or rescheduled game",
  schedule_error: "Schedule error",
  other: "Other",
};

/** Dates the pipeline can have: partitions expire after 365 days; nothing is processed ahead. */
export const isoDateField = isoDate.refine((d) => d >= "2000-01-01" && d <= "2100-12-31", "is not a valid date");

/** A processor by canonical name or a known alias (old rows), read as the canonical name. */
export const processorField = z
  .string()
  .transform((v, ctx) => {
    const name = resolveProcessorName(v);
    if (!name) {
      ctx.addIssue({ code: "custom", message: `must be one of ${PROCESSOR_NAMES.join(", ")}` });
      return z.NEVER;
    }
    return name;
  });

/** An entity id as the original pipeline writes it: a player lookup (`lebronjames`), a team (`LAL`) or a team-game (`LAL_2024-12-15`). */
export const ENTITY_PATTERN = /^(?:[a-z0-9]{2,64}|[A-Z]{3}|[A-Z]{3}_\d{4}-\d{2}-\d{2})$/;
export const entityField = z
  .string()
  .regex(ENTITY_PATTERN, "must be a player_lookup (lebronjames), a team tricode (LAL) or a team-game key (LAL_2024-12-15)");

/**
 * Characters that change how text reads without being seen: C0/C1 controls (NUL included; TAB
 * and line breaks, the line and paragraph separators U+2028/U+2029 become spaces), the bidi
 * embeddings, overrides, isolates and marks (U+202E shows "txt.exe" as "exe.txt") and the
 * zero-width characters (U+200B–U+200D, U+FEFF). Stripped at validation, so no reason is stored
 * with them and every page, CSV and log shows what was typed.
 */
const INVISIBLE_CONTROL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/;
const INVISIBLE_CONTROL = new RegExp(INVISIBLE_CONTROL_CHAR.source, "g");
const WHITESPACE_CONTROL_CHAR = /[\t\n\r\u2028\u2029]/;
const WHITESPACE_CONTROL = new RegExp(WHITESPACE_CONTROL_CHAR.source, "g");

export function stripControlCharacters(value: string): string {
  return value.replace(WHITESPACE_CONTROL, " ").replace(INVISIBLE_CONTROL, "").replace(/ {2,}/g, " ");
}

export const reasonField = z
  .string()
  // Far above the 500 allowed after stripping, only so that an absurd input is refused before work.
  .max(2000, "must be at most 500 characters")
  .transform((raw, ctx) => {
    const value = stripControlCharacters(raw).trim();
    // Said only when something invisible went, not when only repeated spaces were folded.
    const stripped = INVISIBLE_CONTROL_CHAR.test(raw) || WHITESPACE_CONTROL_CHAR.test(raw);
    if (value.length < 10) {
      ctx.addIssue({
        code: "custom",
        message: `must be at least 10 characters: say what you checked${stripped ? " (control or direction-override characters were removed)" : ""}`,
      });
      return z.NEVER;
    }
    if (value.length > 500) {
      ctx.addIssue({ code: "custom", message: "must be at most 500 characters" });
      return z.NEVER;
    }
    return value;
  });

/** The client's idempotency key: a retried or double-clicked request carries the same one. */
export const requestIdField = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8–64 letters, digits, - or _");

export const breakerKeyFields = {
  processor: processorField,
  entity_id: entityField,
  analysis_date: isoDateField,
};

export const overrideInput = z
  .object({
    ...breakerKeyFields,
    reason_code: z.enum(REASON_CODES),
    reason: reasonField,
    request_id: requestIdField,
  })
  .strict();
export type OverrideInput = z.input<typeof overrideInput>;

export const MAX_BULK_DAYS = 62;

export const bulkFilter = z
  .object({
    date_from: isoDateField,
    date_to: isoDateField,
    processors: z.array(processorField).max(PROCESSOR_NAMES.length * 4).optional(),
    skip_reasons: z.array(z.string().min(1).max(100)).max(20).optional(),
    entities: z.array(entityField).max(5000).optional(),
    /** Only keys whose upstream data is complete now (the live recheck). */
    only_recovered: z.boolean().optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.date_to < f.date_from) ctx.addIssue({ code: "custom", path: ["date_to"], message: "must not be before date_from" });
    const days = (Date.parse(f.date_to) - Date.parse(f.date_from)) / 86_400_000;
    if (days > MAX_BULK_DAYS) ctx.addIssue({ code: "custom", path: ["date_to"], message: `the range must be at most ${MAX_BULK_DAYS} days` });
  });
export type BulkFilter = z.output<typeof bulkFilter>;

/**
 * An incident's id as the incidents read derives it from the root cause (letters, digits and
 * `_ - . :`): bounded so a hostile path or body never reaches the warehouse as anything else.
 */
export const incidentIdField = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, "must be an incident id (letters, digits, _ - . :)");

/**
 * A bulk override of one incident's keys whose data has recovered. Only the id comes from the
 * client: the server selects the keys (the incident's recovered, still-active keys) on preview
 * and again on apply, so a browser cannot widen the set.
 */
export const incidentSelection = z.object({ incident: incidentIdField }).strict();
export type IncidentSelection = z.output<typeof incidentSelection>;

/** What a bulk override selects: a filter over active keys, or one incident's recovered keys. */
export const bulkSelection = z.union([bulkFilter, incidentSelection]);
export type BulkSelection = z.output<typeof bulkSelection>;
/** A selection as a client sends it (processor aliases not yet resolved). */
export type BulkSelectionInput = z.input<typeof bulkSelection>;

export function isIncidentSelection(selection: BulkSelection): selection is IncidentSelection {
  return "incident" in selection;
}

export const bulkApplyInput = z
  .object({
    filter: bulkSelection,
    token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, "must be the token of a preview"),
    reason_code: z.enum(REASON_CODES),
    reason: reasonField,
    request_id: requestIdField,
  })
  .strict();

export const resetInput = z
  .object({
    ...breakerKeyFields,
    reason: reasonField,
    request_id: requestIdField,
    /** The entity id typed again: a reset is destructive. */
    confirm: z.string(),
  })
  .strict()
  .refine((v) => v.confirm === v.entity_id, { path: ["confirm"], message: "must be the entity id, typed exactly" });

/** An audit record's id (a UUID). */
export const auditIdField = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be an audit id (a UUID)");

/** Which reset: by its audit record's id, or by the request id it was applied with — exactly one. */
export const resetRefFields = {
  audit_id: auditIdField.optional(),
  reset_request_id: requestIdField.optional(),
};
const oneResetRef = (v: { audit_id?: string; reset_request_id?: string }) => (v.audit_id === undefined) !== (v.reset_request_id === undefined);
const ONE_RESET_REF = { path: ["audit_id"], message: "give exactly one of audit_id and reset_request_id" };

/** Which reset a restore would undo, to look first (the CLI's --dry-run). */
export const resetRefInput = z.object(resetRefFields).strict().refine(oneResetRef, ONE_RESET_REF);

/**
 * Restore the rows a reset deleted (admin). `confirm` is the key's entity id typed again; the
 * server checks it against the reset's key, which only the reset's record knows.
 */
export const restoreInput = z
  .object({
    ...resetRefFields,
    reason: reasonField,
    request_id: requestIdField,
    confirm: z.string().max(200),
  })
  .strict()
  .refine(oneResetRef, ONE_RESET_REF);
export type RestoreInput = z.input<typeof restoreInput>;

/**
 * What the audit records: the operators' writes, the check service's writes for a pipeline
 * token — the attempt rows a run's outcomes append, and the skips a check with `record` appends —
 * and the attempt rows a simulated pipeline pass appends on the embedded demo (`demo_advance`).
 */
export const AUDIT_ACTIONS = ["override", "bulk_override", "reset", "restore", "pipeline_outcomes", "pipeline_check", "demo_advance"] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditFilter = z
  .object({
    actor: z.string().max(200).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    processor: processorField.optional(),
    date_from: isoDateField.optional(),
    date_to: isoDateField.optional(),
  })
  .strict();
export type AuditFilter = z.output<typeof auditFilter>;

/** What the audit list sorts by; ties fall to created_at, then audit_id, in the same direction (a total order). */
export const AUDIT_SORTS = ["created_at", "actor", "action", "key_count"] as const;
export type AuditSort = (typeof AUDIT_SORTS)[number];

/** The audit list's query: its filters, `page`, `page_size` (≤ 500, default 100), `sort` and `dir` (newest first by default). */
export const auditListParams = z.object({ ...auditFilter.shape, ...listParamsSchema(AUDIT_SORTS, { sort: "created_at", dir: "desc" }).shape }).strict();
export type AuditListParams = z.output<typeof auditListParams>;

/** The keys of one audit record, a page at a time, in the order the write listed them. */
export const auditKeysParams = listParamsSchema(["position"], { sort: "position", dir: "asc" }).pick({ page: true, page_size: true }).strict();
export type AuditKeysParams = z.output<typeof auditKeysParams>;

/** Keys listed inline per audit record: 20, fewer on big pages, so a page carries at most 1,000 (every key is paged at the record's keys). */
export function auditKeysShown(pageSize: number): number {
  return Math.max(1, Math.min(20, Math.floor(1000 / pageSize)));
}
