import "server-only";

import { z } from "zod";

import { isoDate } from "@/lib/completeness/dates";

import { defineQuery } from "./define-query";


/** How far each simulated upstream table has landed (the demo's next pass lands what came after). */
export const upstreamLanded = defineQuery({
  name: "upstream_landed",
  file: "demo/upstream_landed.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate }),
  types: { date_from: "DATE", date_to: "DATE" },
  row: z.object({ table_name: z.string(), landed_through: z.string().nullable() }),
});
