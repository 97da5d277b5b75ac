import "server-only";

import { z } from "zod";

import { isoDate } from "@/lib/completeness/dates";

import { defineQuery } from "./define-query";
import { processorListSql } from "./monitoring";
import { evaluatedEntitiesSql } from "./processor-outputs";

/**
 * The threshold what-if (the runbook's "threshold tuning"): how many entities of a date would
 * pass at other thresholds. The fragments are readiness.sql's own — the registry's processor
 * list and the entities evaluated (output rows and skip attempts, each table filtered on its
 * partition) — so "the entities of a date" means exactly what the readiness report counts.
 */
export const thresholdPassCounts = defineQuery({
  name: "threshold_pass_counts",
  file: "completeness/threshold_pass_counts.sql",
  params: z.object({
    date_from: isoDate,
    date_to: isoDate,
    // Percent; at least one (an empty list would return no rows, not zero counts).
    thresholds: z.array(z.number().min(0).max(100)).min(1).max(20),
  }),
  types: { date_from: "DATE", date_to: "DATE", thresholds: ["FLOAT64"] },
  row: z.object({
    processor: z.string(),
    threshold: z.number(),
    total_records: z.number().int(),
    ready_count: z.number().int(),
    no_games_expected: z.number().int(),
    pass_count: z.number().int(),
  }),
  fragments: {
    processor_list: [processorListSql()],
    evaluated_entities: [
      evaluatedEntitiesSql({ columns: ["completeness_percentage", "is_production_ready", "expected_games_count", "actual_games_count"] }),
    ],
  },
});
