/**
 * The check service's contract: what a processor run sends and gets back. One zod schema per
 * body, used by the routes to validate requests, by the service's tests to validate its answers,
 * and by `lib/checks/openapi.ts` to write the OpenAPI document — so the contract cannot drift
 * from what the routes do. Client-safe.
 */
import { z } from "zod";

import { entityField, isoDateField, processorField } from "@/lib/breakers/schemas";
import { BREAKER_EVENT_TYPES, BREAKER_STATUSES } from "@/lib/completeness/breaker";
import { BREAKER_READERS } from "@/lib/completeness/deployment";
import { DECISION_ACTIONS, PROCESSING_DECISION_REASONS } from "@/lib/completeness/readiness";

/**
 * Entities one call may carry: every player of a night (about 450; some 530 are rostered) with
 * room to spare. Bounded by what one BigQuery request can hold: the check stores each entity's
 * answer (about 2 KB) in one transaction, and a request is at most 10 MB.
 */
export const MAX_CHECK_ENTITIES = 2000;

/** The processor run's id, as the pipeline names its runs; also the attempt rows' batch_id. */
export const runIdField = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "must be 1–128 letters, digits, . _ : or -, starting with a letter or digit")
  .describe("The processor run's id. A retried call sends the same one.");

const tricode = z.string().regex(/^[A-Z]{3}$/, "must be a team tricode (LAL)");

export const checkInput = z
  .object({
    processor: processorField.describe("The processor, by the console's name or the pipeline's table_name (ml_feature_store_v2, …)."),
    analysis_date: isoDateField.describe("The processor's date: analysis_date, cache_date or game_date."),
    run_id: runIdField,
    entities: z
      .array(entityField)
      .min(1)
      .max(MAX_CHECK_ENTITIES)
      .optional()
      .describe(
        "Tricodes, player_lookups or team-game keys (LAL_2024-12-15). Default: every entity the processor would process that date — all teams; the teams playing (team-game processors); the players who played for a team this season before the date, their latest team (player processors; game-date ones: of the teams playing).",
      ),
    teams: z
      .record(entityField, tricode)
      .optional()
      .describe("Each player's team on the date, when the run knows it (rosters): cascade checks key team upstreams by the opponent."),
    backfill: z.boolean().default(false).describe("An explicit backfill run: bootstrap (process and flag), whatever the date."),
    record: z
      .boolean()
      .default(false)
      .describe("Record the skips now (their failed attempts), as the original's _increment_reprocess_count did; they need no outcome report."),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.entities && new Set(v.entities).size !== v.entities.length) ctx.addIssue({ code: "custom", path: ["entities"], message: "must not repeat an entity" });
  });
export type CheckInput = z.output<typeof checkInput>;

const pct = z.number().nullable();

export const checkedWindow = z.object({
  id: z.string().describe("l10, l7d, …"),
  kind: z.enum(["games", "days"]),
  size: z.number().int(),
  team: z.string().nullable().describe("The team whose schedule defines the window."),
  from: z.string().nullable(),
  to: z.string().nullable(),
  expected: z.number().int(),
  actual: z.number().int(),
  missing: z.number().int(),
  completeness_pct: pct.describe("Rounded to 0.1; null when no games are expected."),
  production_ready: z.boolean().describe("At or above the threshold (unrounded), or nothing expected."),
  missing_games: z.array(z.object({ game_id: z.string(), game_date: z.string(), opponent: z.string() })),
});

export const breakerStateOut = z.object({
  status: z.enum(BREAKER_STATUSES),
  attempt_count: z.number().int(),
  consecutive_failures: z.number().int(),
  until: z.string().nullable(),
  last_event: z.enum(BREAKER_EVENT_TYPES).nullable(),
});

export const attemptWritten = z.object({
  event_type: z.enum(BREAKER_EVENT_TYPES),
  attempt_number: z.number().int(),
  circuit_breaker_tripped: z.boolean(),
  circuit_breaker_until: z.string().nullable(),
});
export type AttemptWritten = z.infer<typeof attemptWritten>;

export const checkedEntity = z.object({
  entity_id: z.string(),
  team: z.string().nullable(),
  decision: z.enum(["process", "skip"]),
  action: z.enum(DECISION_ACTIONS),
  reason: z.enum(PROCESSING_DECISION_REASONS).describe("processing_decision_reason"),
  skip_reason: z
    .string()
    .nullable()
    .describe("Why it is skipped: what a failed attempt records (incomplete_upstream_data, …), or circuit_breaker_active (not an attempt); null when it is processed."),
  production_ready: z.boolean().describe("Own windows and upstream processors ready (bootstrap does not make data ready)."),
  windows: z.array(checkedWindow),
  upstream: z.record(z.string(), z.boolean().nullable()).describe("Cascade processors: each upstream processor's is_production_ready for this entity and date (null: no row)."),
  breaker: breakerStateOut.describe("The key's breaker before this run."),
  columns: z
    .record(z.string(), z.unknown())
    .describe("The 14 standard completeness columns and the processor's window columns, as its output row wants them (merge unchanged)."),
  recorded: attemptWritten.nullable().describe("The attempt row `record: true` wrote for this skip (null: none)."),
});
export type CheckedEntity = z.infer<typeof checkedEntity>;

export const checkResult = z.object({
  ok: z.literal(true),
  replay: z.boolean().describe("The same request was answered before: the stored answer, nothing evaluated or written again."),
  run_id: z.string(),
  processor: z.string(),
  pipeline_name: z.string().describe("The processor_name its rows carry in reprocess_attempts."),
  breaker_reader: z.enum(BREAKER_READERS),
  analysis_date: z.string(),
  checked_at: z.string(),
  threshold: z.number(),
  bootstrap: z.boolean(),
  counts: z.object({ process: z.number().int(), skip: z.number().int() }),
  entities: z.array(checkedEntity),
});
export type CheckResult = z.infer<typeof checkResult>;

export const OUTCOMES = ["processed", "failed", "skipped"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const outcomeItem = z
  .object({
    entity_id: entityField,
    outcome: z.enum(OUTCOMES),
    reason: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be a short code: 1–64 letters, digits, _ . : or - (PROCESSING_ERROR)")
      .optional()
      .describe("Why it failed (failed only): recorded as the attempt's skip_reason."),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.outcome === "failed" && !v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "is required when the outcome is failed" });
    if (v.outcome !== "failed" && v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "is only for a failed outcome" });
  });

const outcomeFields = {
  processor: processorField,
  analysis_date: isoDateField,
  outcomes: z.array(outcomeItem).min(1).max(MAX_CHECK_ENTITIES),
};

function eachEntityOnce(v: { outcomes: { entity_id: string }[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  v.outcomes.forEach((o, i) => {
    if (seen.has(o.entity_id)) ctx.addIssue({ code: "custom", path: ["outcomes", i, "entity_id"], message: `reports ${o.entity_id} twice` });
    seen.add(o.entity_id);
  });
}

/** The body of `POST /api/v1/checks/{run_id}/outcomes` (the run id is in the path). */
export const outcomesBody = z.object(outcomeFields).strict().superRefine(eachEntityOnce);
/**
 * The body with the path's run id, as the service takes it. `body_run_id`: the run id the body
 * named itself, if it did — refused unless it is the path's (checked here, after the role).
 */
export const outcomesInput = z
  .object({ run_id: runIdField, ...outcomeFields, body_run_id: z.unknown().optional() })
  .strict()
  .superRefine(eachEntityOnce)
  .superRefine((v, ctx) => {
    if (v.body_run_id !== undefined && v.body_run_id !== v.run_id) {
      ctx.addIssue({ code: "custom", path: ["run_id"], message: `is the path's ("${v.run_id}"); the body names another` });
    }
  });
export type OutcomesInput = z.output<typeof outcomesInput>;

export const outcomesResult = z.object({
  ok: z.literal(true),
  replay: z.boolean().describe("Every entity was reported before with the same outcome: nothing written."),
  run_id: z.string(),
  processor: z.string(),
  analysis_date: z.string(),
  rows_written: z.number().int().describe("Attempt rows appended to reprocess_attempts by this call."),
  results: z.array(
    z.object({
      entity_id: z.string(),
      outcome: z.enum(OUTCOMES),
      replay: z.boolean(),
      written: attemptWritten.nullable(),
    }),
  ),
});
export type OutcomesResult = z.infer<typeof outcomesResult>;
