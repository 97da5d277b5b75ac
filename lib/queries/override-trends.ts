import "server-only";

import { z } from "zod";

import { isoDate } from "@/lib/completeness/dates";

import { defineQuery } from "./define-query";
import { breakerEventSql, canonicalProcessorSql } from "./processor-outputs";


/** The keys with a trip or an override attempted in a span: what the override trends read. */
export const overrideTrendKeys = defineQuery({
  name: "override_trend_keys",
  file: "monitoring/override_trend_keys.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate, from_at: z.string(), to_at: z.string() }),
  types: { date_from: "DATE", date_to: "DATE", from_at: "TIMESTAMP", to_at: "TIMESTAMP" },
  row: z.object({ processor: z.string(), entity_id: z.string(), analysis_date: isoDate }),
  fragments: { canonical_processor: [canonicalProcessorSql()], breaker_event: [breakerEventSql()] },
});
