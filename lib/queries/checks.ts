import "server-only";

import { z } from "zod";

import { isoDate } from "@/lib/completeness/dates";

import { defineInsert } from "./define-insert";
import { defineQuery } from "./define-query";

const ts = z.string();
const runKey = { run_id: z.string().min(1), processor: z.string().min(1), analysis_date: isoDate };
const runKeyTypes = { run_id: "STRING", processor: "STRING", analysis_date: "DATE" } as const;

const checkedEntityRow = z.object({
  entity_id: z.string(),
  checked_at: ts,
  actor: z.string(),
  request_fingerprint: z.string(),
  action: z.string(),
  skip_reason: z.string().nullable(),
  completeness_pct: z.number().nullable(),
  counts_as_failure: z.boolean(),
  result_json: z.string().nullable(),
});
export type CheckedEntityRow = z.infer<typeof checkedEntityRow>;

/** The check service's stored answer for a run and date. */
export const checkedEntities = defineQuery({
  name: "checked_entities",
  file: "checks/checked_entities.sql",
  params: z.object({ ...runKey, checked_since: ts, with_answers: z.boolean() }),
  types: { ...runKeyTypes, checked_since: "TIMESTAMP", with_answers: "BOOL" },
  row: checkedEntityRow,
});

/** A run's key as the check tables store it. */
export interface RunKeyColumns {
  run_id: string;
  processor: string;
  analysis_date: string;
}
const RUN_KEY_COLUMNS = Object.keys(runKey) as (keyof RunKeyColumns)[];

/** A check's decision per entity, stored to answer a retried check and to judge the run's outcomes. */
export const appendChecks = defineInsert<RunKeyColumns & CheckedEntityRow>({
  table: "nba_orchestration.completeness_checks",
  columns: [...RUN_KEY_COLUMNS, ...(Object.keys(checkedEntityRow.shape) as (keyof CheckedEntityRow)[])],
});

const reportedOutcomeRow = z.object({
  entity_id: z.string(),
  outcome: z.string(),
  reason: z.string().nullable(),
  event_type: z.string().nullable(),
  attempt_number: z.number().int().nullable(),
  circuit_breaker_until: ts.nullable(),
});
export type ReportedOutcomeRow = z.infer<typeof reportedOutcomeRow>;

/** The outcomes a run already reported for a date. */
export const reportedOutcomes = defineQuery({
  name: "reported_outcomes",
  file: "checks/reported_outcomes.sql",
  params: z.object({ ...runKey, reported_since: ts }),
  types: { ...runKeyTypes, reported_since: "TIMESTAMP" },
  row: reportedOutcomeRow,
});

/** An entity's reported outcome: who reported it, when, and the attempt row it led to (if any). */
export const appendOutcomes = defineInsert<RunKeyColumns & ReportedOutcomeRow & { reported_at: string; actor: string }>({
  table: "nba_orchestration.check_outcomes",
  columns: [...RUN_KEY_COLUMNS, ...(Object.keys(reportedOutcomeRow.shape) as (keyof ReportedOutcomeRow)[]), "reported_at", "actor"],
});

/** The guard of the check service's writes; used through its SQL text as a transaction guard. */
export const checkGuard = defineQuery({
  name: "check_guard",
  file: "checks/check_guard.sql",
  params: z.object({
    ...runKey,
    since: ts,
    expected_checks: z.number().int().min(0),
    entity_ids: z.array(z.string()).min(1),
    processor_names: z.array(z.string()).min(1),
    check_keys: z.boolean(),
    expected_rows: z.number().int().min(0),
    expected_last: ts,
    epoch: ts,
  }),
  types: {
    ...runKeyTypes,
    since: "TIMESTAMP",
    expected_checks: "INT64",
    entity_ids: ["STRING"],
    processor_names: ["STRING"],
    check_keys: "BOOL",
    expected_rows: "INT64",
    expected_last: "TIMESTAMP",
    epoch: "TIMESTAMP",
  },
  row: z.object({ ok: z.boolean() }),
});

/** Every team on the season's schedule, and whether it plays on the date. */
export const runTeams = defineQuery({
  name: "run_teams",
  file: "checks/run_teams.sql",
  params: z.object({ season_start: isoDate, season_end: isoDate, analysis_date: isoDate }),
  types: { season_start: "DATE", season_end: "DATE", analysis_date: "DATE" },
  row: z.object({ team: z.string(), plays: z.boolean() }),
});

/** Every player who played this season before the date, his latest team, and whether it plays. */
export const runPlayers = defineQuery({
  name: "run_players",
  file: "checks/run_players.sql",
  params: z.object({ season_start: isoDate, analysis_date: isoDate }),
  types: { season_start: "DATE", analysis_date: "DATE" },
  row: z.object({ player_lookup: z.string(), team_abbr: z.string(), plays: z.boolean() }),
});
