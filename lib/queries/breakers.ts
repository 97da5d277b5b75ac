import "server-only";

import { z } from "zod";

import { defineQuery } from "./define-query";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
const ts = z.string();

/** A stored `reprocess_attempts` row: the original 12 columns and the console's nullable additions. */
export const attemptRow = z.object({
  processor_name: z.string(),
  entity_id: z.string(),
  analysis_date: isoDate,
  attempt_number: z.number().int(),
  attempted_at: ts,
  completeness_pct: z.number().nullable(),
  skip_reason: z.string().nullable(),
  circuit_breaker_tripped: z.boolean(),
  circuit_breaker_until: ts.nullable(),
  manual_override_applied: z.boolean().nullable(),
  notes: z.string().nullable(),
  event_type: z.string().nullable(),
  actor: z.string().nullable(),
  actor_role: z.string().nullable(),
  reason_code: z.string().nullable(),
  request_id: z.string().nullable(),
  override_expires_at: ts.nullable(),
  rows_removed: z.number().int().nullable(),
  batch_id: z.string().nullable(),
  created_at: ts.nullable(),
});
export type AttemptRow = z.infer<typeof attemptRow>;

export const keyRows = defineQuery({
  name: "breaker_key_rows",
  file: "breakers/key_rows.sql",
  params: z.object({
    processor_names: z.array(z.string()).min(1),
    analysis_date: isoDate,
    entity_ids: z.array(z.string()),
  }),
  types: { processor_names: ["STRING"], analysis_date: "DATE", entity_ids: ["STRING"] },
  row: attemptRow,
});
