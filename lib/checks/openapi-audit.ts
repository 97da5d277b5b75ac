import { PERMISSIONS } from "@/lib/auth/roles";
import { AUDIT_ACTIONS, AUDIT_SORTS, auditKeysShown } from "@/lib/breakers/schemas";
import { PROCESSOR_NAMES } from "@/lib/completeness/processors";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@/lib/paging";

/**
 * The audit's reads in the OpenAPI document: `GET /api/v1/audit` (a page of the audit, or all of
 * it as CSV) and `GET /api/v1/audit/{audit_id}/keys` (one record's keys, paged). Each query
 * parameter is one field of the route's zod schema (`auditListParams`, `auditKeysParams`, which
 * a test holds these names to), with its limits from the same constants.
 */

const errorAnswer = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

const query = (name: string, description: string, schema: Record<string, unknown>) => ({ name, in: "query", required: false, description, schema });

const PAGING = [
  query("page", "The page, from 1. A page past the last one answers no rows (with the total).", { type: "integer", minimum: 1, default: 1 }),
  query("page_size", `Rows per page, at most ${MAX_PAGE_SIZE}.`, { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
];

/** The documented query parameters of each audit read, by path. */
export const AUDIT_QUERY_PARAMETERS = {
  "/api/v1/audit": [
    query("actor", "Only this actor's records (exactly as recorded: a login, or `token:<name>`).", { type: "string", maxLength: 200 }),
    query("action", "Only records of this action.", { type: "string", enum: [...AUDIT_ACTIONS] }),
    query("processor", "Only writes touching a key of this processor, and the check service's records of its runs.", { type: "string", enum: [...PROCESSOR_NAMES] }),
    query("date_from", "Records written on or after this UTC day (with `date_to`; without dates, the last 90 days).", { type: "string", format: "date" }),
    query("date_to", "Records written on or before this UTC day.", { type: "string", format: "date" }),
    ...PAGING,
    query("sort", "The order: the column, then created_at and audit_id in the same direction.", { type: "string", enum: [...AUDIT_SORTS], default: "created_at" }),
    query("dir", "The direction of the order.", { type: "string", enum: ["asc", "desc"], default: "desc" }),
    query("format", "`csv`: every key row of every selected record, in the order asked (`page` and `page_size` do not apply), streamed.", { type: "string", enum: ["json", "csv"], default: "json" }),
  ],
  "/api/v1/audit/{audit_id}/keys": PAGING,
} as const;

const REFUSALS = {
  400: errorAnswer("`invalid`: a parameter is malformed or unknown (`fieldErrors` names it)."),
  401: errorAnswer("`unauthorized`: no valid credentials: sign in or send a valid API token."),
  403: errorAnswer("`forbidden`: the caller's role may not read the console (a pipeline token)."),
  500: errorAnswer("`failed`: an unexpected failure."),
  503: errorAnswer("`unavailable`: the warehouse did not answer; retry."),
};

const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({ type: "object", properties, required });
const KEY = object(
  {
    processor: { type: "string" },
    entity_id: { type: "string" },
    analysis_date: { type: "string", format: "date" },
    before: { type: "object", description: "The key's breaker state before the write." },
    after: { type: "object", description: "The key's breaker state after it." },
    outcome: { type: "string", description: "Override records only: what this record's override of the key led to (`removed` once a reset deleted its row)." },
    outcome_decided_at: { type: ["string", "null"], description: "Override records only: when that outcome was decided." },
  },
  ["processor", "entity_id", "analysis_date", "before", "after"],
);
const RECORD = {
  audit_id: { type: "string", format: "uuid" },
  created_at: { type: "string", format: "date-time" },
  action: { type: "string", enum: [...AUDIT_ACTIONS] },
  actor: { type: "string" },
  actor_role: { type: "string" },
  reason_code: { type: ["string", "null"] },
  reason: { type: "string" },
  request_id: { type: "string" },
  key_count: { type: "integer", description: "How many keys the write changed." },
};
const PAGE = { page: { type: "integer" }, page_size: { type: "integer" }, total: { type: "integer", description: "Rows the parameters select, over every page." } };

const read = (operationId: string, summary: string, description: string, parameters: readonly unknown[], ok: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  get: {
    operationId,
    tags: ["audit"],
    summary,
    description: `${description}\n\nRole: \`${PERMISSIONS.read}\`.`,
    "x-role": PERMISSIONS.read,
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    parameters,
    responses: { 200: ok, ...REFUSALS, ...extra },
  },
});

/** The audit's paths of the document. */
export function auditPaths(): Record<string, Record<string, unknown>> {
  return {
    "/api/v1/audit": read(
      "listAudit",
      "The audit of console writes, a page at a time",
      `Every override, bulk override, reset and restore, and the check service's and the demo's writes: who, when, role, why, and the keys before → after. Sorted, filtered and paged in the warehouse. Each record lists its first \`keys_shown\` keys (20, fewer on big pages: ${auditKeysShown(MAX_PAGE_SIZE)} at ${MAX_PAGE_SIZE} a page) and says \`keys_truncated\` when it has more; all of them are at \`/api/v1/audit/{audit_id}/keys\`. An override record's \`outcome_counts\` count all its keys.`,
      AUDIT_QUERY_PARAMETERS["/api/v1/audit"],
      {
        description: "A page of records (JSON), or with `format=csv` every selected record's key rows as CSV.",
        content: {
          "application/json": {
            schema: object({
              rows: {
                type: "array",
                items: object({
                  ...RECORD,
                  keys: { type: "array", items: KEY },
                  keys_truncated: { type: "boolean" },
                  rows_removed: { type: ["integer", "null"], description: "Resets: the rows the reset deleted." },
                  outcome_counts: { type: ["object", "null"], additionalProperties: { type: "integer" }, description: "Override records: their keys' outcomes counted." },
                }),
              },
              ...PAGE,
              keys_shown: { type: "integer", description: "The most keys a record of this page lists." },
            }),
          },
          "text/csv": { schema: { type: "string" } },
        },
      },
    ),
    "/api/v1/audit/{audit_id}/keys": read(
      "listAuditRecordKeys",
      "Every key of one audit record, a page at a time",
      "The keys one record changed, in the order the write listed them, with before → after and, for an override, what it led to. `total` is the record's `key_count`.",
      [{ name: "audit_id", in: "path", required: true, description: "The record's `audit_id`.", schema: { type: "string", format: "uuid" } }, ...AUDIT_QUERY_PARAMETERS["/api/v1/audit/{audit_id}/keys"]],
      {
        description: "The record and a page of its keys.",
        content: { "application/json": { schema: object({ record: object(RECORD), rows: { type: "array", items: KEY }, ...PAGE }) } },
      },
      { 404: errorAnswer("`not_found`: no audit record with that id.") },
    ),
  };
}
