/**
 * Canned BigQuery answers for the overview's reads, for tests that drive the real BigQuery adapter
 * (in-process, or inside the built console) against the REST fake (bigquery-fake.ts).
 *
 * Jobs are told apart by their `labels.query` (every job carries its definition's name) and, for
 * the warehouse status ping (`SELECT 1 AS ok`, labelled like the health query), by its SQL. The
 * figures depend on `state.generation`, so a test can tell a fresh answer from the last good one
 * a failing panel keeps showing. Queries the overview does not read answer with no rows (valid
 * for every monitoring row contract).
 */
import { PROCESSOR_NAMES } from "@/lib/completeness/processors";
import { declaredColumns } from "@/lib/warehouse/schema";

import { type FieldSpec, type RecordedRequest, type Responder, type ScriptedResponse, jobLabel, queryBody, rowsResponse } from "./bigquery-fake";

export const ANSWER_AS_OF = "2025-01-15";

export interface AnswerState {
  /** Bumped by a test between loads: every figure below moves with it. */
  generation: number;
  /** Per label: a fault to answer instead (consulted before the canned answer), with its call count. */
  faults: Map<string, (call: number, request: RecordedRequest) => ScriptedResponse | undefined>;
  /** How many jobs each label received (pings under "ping"). */
  calls: Map<string, number>;
  /** Delay every answer by this much, so concurrent reads overlap in flight. */
  delayMs: number;
}

export function answerState(): AnswerState {
  return { generation: 1, faults: new Map(), calls: new Map(), delayMs: 0 };
}

/** The warehouse status line's round trip (lib/data/health.ts). */
export function isPing(request: RecordedRequest): boolean {
  return queryBody(request).query?.trim() === "SELECT 1 AS ok";
}

const INT = "INTEGER";
const FLOAT = "FLOAT";

const HEALTH_FIELDS: FieldSpec[] = [
  { name: "processor", type: "STRING" },
  { name: "unique_entities", type: INT },
  { name: "total_records", type: INT },
  { name: "avg_completeness_pct", type: FLOAT },
  { name: "min_completeness_pct", type: FLOAT },
  { name: "max_completeness_pct", type: FLOAT },
  { name: "production_ready_count", type: INT },
  { name: "production_ready_pct", type: FLOAT },
  { name: "active_breakers", type: INT },
  { name: "bootstrap_records", type: INT },
];

const READINESS_FIELDS: FieldSpec[] = [
  { name: "processor", type: "STRING" },
  { name: "total_records", type: INT },
  { name: "ready_count", type: INT },
  { name: "not_ready_count", type: INT },
  { name: "ready_pct", type: FLOAT },
  { name: "avg_completeness_pct", type: FLOAT },
  { name: "status", type: "STRING" },
];

const TRENDS_FIELDS: FieldSpec[] = [
  { name: "date", type: "DATE" },
  { name: "processor", type: "STRING" },
  { name: "avg_completeness_pct", type: FLOAT },
  { name: "production_ready_pct", type: FLOAT },
  { name: "records", type: INT },
];

/** Ready % on as_of shown for every processor at a generation: 90.25, 91.25, … */
export const readyPctAt = (generation: number) => 89.25 + generation;
/** Ready % over 7 days (health) at a generation: 60.5, 61.5, … (under the 90 % threshold: a warning alert). */
export const healthReadyPctAt = (generation: number) => 59.5 + generation;

export function cannedAnswer(request: RecordedRequest, generation: number): ScriptedResponse {
  if (isPing(request)) return rowsResponse([{ name: "ok", type: INT }], [{ ok: 1 }]);
  switch (jobLabel(request)) {
    case "schema_columns":
      // The health check's catalog read: every table and column the console needs is there.
      return rowsResponse(
        [{ name: "table_name", type: "STRING" }, { name: "column_name", type: "STRING" }],
        [...declaredColumns()].flatMap(([table, columns]) => columns.map((column_name) => ({ table_name: table.split(".")[1]!, column_name }))),
      );
    case "data_as_of":
      return rowsResponse([{ name: "as_of", type: "DATE" }], [{ as_of: ANSWER_AS_OF }]);
    case "health":
      return rowsResponse(
        HEALTH_FIELDS,
        PROCESSOR_NAMES.map((processor) => ({
          processor,
          unique_entities: 100,
          total_records: 700,
          avg_completeness_pct: 95.5,
          min_completeness_pct: 50,
          max_completeness_pct: 100,
          production_ready_count: 400,
          production_ready_pct: healthReadyPctAt(generation),
          active_breakers: generation,
          bootstrap_records: 0,
        })),
      );
    case "readiness":
      return rowsResponse(
        READINESS_FIELDS,
        PROCESSOR_NAMES.map((processor) => ({
          processor,
          total_records: 100,
          ready_count: 90,
          not_ready_count: 10,
          ready_pct: readyPctAt(generation),
          avg_completeness_pct: 96,
          status: "good",
        })),
      );
    case "trends":
      return rowsResponse(
        TRENDS_FIELDS,
        PROCESSOR_NAMES.map((processor) => ({ date: ANSWER_AS_OF, processor, avg_completeness_pct: 96, production_ready_pct: 90, records: 100 })),
      );
    default:
      return rowsResponse([], []);
  }
}

/** A fake responder: the label's fault when one is set and returns a response, else the canned answer. */
export function monitoringResponder(state: AnswerState): Responder {
  return (request) => {
    const label = isPing(request) ? "ping" : (jobLabel(request) ?? "unlabelled");
    const call = (state.calls.get(label) ?? 0) + 1;
    state.calls.set(label, call);
    const answer = state.faults.get(label)?.(call, request) ?? cannedAnswer(request, state.generation);
    return state.delayMs > 0 && !answer.delayMs ? { ...answer, delayMs: state.delayMs } : answer;
  };
}

/** Answer `label`'s jobs with `fault(call)` from now on (`call` counts from 1 again); undefined clears it. */
export function setFault(state: AnswerState, label: string, fault?: (call: number) => ScriptedResponse | undefined): void {
  state.calls.set(label, 0);
  if (fault) state.faults.set(label, fault);
  else state.faults.delete(label);
}
