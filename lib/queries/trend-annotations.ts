import "server-only";

import { z } from "zod";

import { defineQuery } from "./define-query";

/** The operators' audited actions in a span: the trends charts' annotations. */
export const trendAnnotations = defineQuery({
  name: "trend_annotations",
  file: "monitoring/trend_annotations.sql",
  params: z.object({ created_from: z.string(), created_to: z.string() }),
  types: { created_from: "TIMESTAMP", created_to: "TIMESTAMP" },
  row: z.object({ action: z.enum(["override", "bulk_override", "reset", "restore"]), actor: z.string(), key_count: z.number().int(), created_at: z.string() }),
});
