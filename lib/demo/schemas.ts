/**
 * The contract of the demo's next pipeline pass (`POST /api/v1/demo/advance`, `npm run
 * demo:advance`): client-safe zod schemas, the ones the route validates with and the OpenAPI
 * document is made of.
 */
import { z } from "zod";

import { PROCESSOR_NAMES } from "@/lib/completeness/processors";

/** The pass takes no input: it runs at the server's clock, never at one a client names. */
export const advanceDemoInput = z.object({}).strict();

/** Why the orchestrator retried a key: an override since its last attempt, its cooldown over, or a failure a day old. */
export const RETRY_REASONS = ["override", "half_open", "failing"] as const;
export type RetryReason = (typeof RETRY_REASONS)[number];

/** What a retried key came to: processed, failed (not tripped), or failed and tripped again. */
export const RETRY_RESULTS = ["processed", "failed", "re_tripped"] as const;
export type RetryResult = (typeof RETRY_RESULTS)[number];

const processor = z.enum(PROCESSOR_NAMES);

export const advanceResult = z.object({
  now: z.string().describe("The moment the pass ran at (UTC): the wall clock, or the latest stored row when that is later."),
  landed: z.record(z.string(), z.number().int()).describe("Simulated upstream rows that arrived by then and landed in this pass, per table."),
  processors: z
    .array(
      z.object({
        processor,
        attempted: z.number().int(),
        processed: z.number().int(),
        failed: z.number().int().describe("Failed without tripping."),
        re_tripped: z.number().int().describe("Failed and tripped: blocked again for the cooldown."),
      }),
    )
    .describe("Every processor, in the night's dependency order."),
  keys: z
    .array(
      z.object({
        processor,
        entity_id: z.string(),
        analysis_date: z.string(),
        due: z.enum(RETRY_REASONS),
        result: z.enum(RETRY_RESULTS),
      }),
    )
    .describe("Every key the pass ran: why it was due and what came of it."),
});
export type AdvanceResult = z.infer<typeof advanceResult>;
export type AdvancedKey = AdvanceResult["keys"][number];
export type AdvanceProcessorCounts = AdvanceResult["processors"][number];
