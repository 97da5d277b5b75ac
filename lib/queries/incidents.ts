import "server-only";

import { z } from "zod";

import { isoDate } from "@/lib/completeness/dates";

import { attemptRow } from "./breakers";
import { defineQuery } from "./define-query";
import { breakerEventSql, canonicalProcessorSql, processorOutputsSql } from "./processor-outputs";

/** The reads behind incidents (lib/engine/incidents.ts): each constant in the number of keys. */

const ts = z.string();

export const incidentScopeRows = defineQuery({
  name: "incident_scope_rows",
  file: "incidents/incident_scope_rows.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate, failed_from: ts, now: ts }),
  types: { date_from: "DATE", date_to: "DATE", failed_from: "TIMESTAMP", now: "TIMESTAMP" },
  row: attemptRow.omit({ actor_role: true, override_expires_at: true }).extend({ processor: z.string() }),
  fragments: { canonical_processor: [canonicalProcessorSql()], breaker_event: [breakerEventSql()] },
});
export type IncidentScopeRow = z.infer<typeof incidentScopeRows.row>;

export const incidentGameArrivals = defineQuery({
  name: "incident_game_arrivals",
  file: "incidents/incident_game_arrivals.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate, now: ts }),
  types: { date_from: "DATE", date_to: "DATE", now: "TIMESTAMP" },
  row: z.object({
    game_id: z.string(),
    game_date: isoDate,
    team: z.string(),
    pgs_present: z.boolean(),
    pgs_arrived_at: ts.nullable(),
    bdl_present: z.boolean(),
    bdl_arrived_at: ts.nullable(),
    tdgs_present: z.boolean(),
    tdgs_arrived_at: ts.nullable(),
  }),
});
export type GameArrivalRow = z.infer<typeof incidentGameArrivals.row>;

export const incidentReadySince = defineQuery({
  name: "incident_ready_since",
  file: "incidents/incident_ready_since.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate, entity_ids: z.array(z.string()) }),
  types: { date_from: "DATE", date_to: "DATE", entity_ids: ["STRING"] },
  row: z.object({ processor: z.string(), entity_id: z.string(), date: isoDate, ready_since: ts.nullable(), ever_ready: z.boolean() }),
  fragments: { processor_outputs: [processorOutputsSql({ columns: ["is_production_ready"] })] },
});

export const incidentDataVersion = defineQuery({
  name: "incident_data_version",
  file: "incidents/incident_data_version.sql",
  params: z.object({ date_from: isoDate, date_to: isoDate, games_from: isoDate }),
  types: { date_from: "DATE", date_to: "DATE", games_from: "DATE" },
  row: z.object({ source: z.string(), row_count: z.number().int(), last_at: ts.nullable() }),
  fragments: { processor_outputs: [processorOutputsSql({ columns: [] })] },
});
