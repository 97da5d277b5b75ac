import "server-only";

import { z } from "zod";

import { type Permission, PERMISSIONS, type Role } from "@/lib/auth/roles";
import { tokenCreateInput, tokenRevokeInput } from "@/lib/auth/token-format";
import { bulkApplyInput, bulkFilter, bulkSelection, isoDateField, overrideInput, processorField, resetInput, restoreInput } from "@/lib/breakers/schemas";
import { PROCESSORS } from "@/lib/completeness/processors";
import { advanceDemoInput, advanceResult } from "@/lib/demo/schemas";
import { type ErrorCode as Code, errorBody, HTTP_STATUS } from "@/lib/errors";

import { entityListPaths } from "./openapi-entity-lists";
import { auditPaths } from "./openapi-audit";
import { BREAKER_EVENT_TYPES } from "@/lib/completeness/breaker";
import {
  ACTIVE_DEFAULT_SORT,
  ACTIVE_MAX_PAGE_SIZE,
  ACTIVE_SORTS,
  HISTORY_DEFAULT_SORT,
  HISTORY_MAX_PAGE_SIZE,
  HISTORY_SORTS,
  activeBreakersPageSchema,
  breakerHistoryPageSchema,
} from "@/lib/monitoring/lists";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@/lib/paging";

import { checkInput, checkResult, outcomesBody, outcomesResult, runIdField } from "./schemas";

/**
 * The OpenAPI 3.1 document of the JSON write API — the check service the pipeline calls, and the
 * override, reset and token writes — and of the paged breaker lists (their query parameters,
 * `total` and the page they answer), served at GET /api/v1/openapi.json. Every body schema is
 * converted by zod itself (`z.toJSONSchema`) from the very schema the route validates with:
 * requests as zod reads them (`io: "input"`: defaults optional, transforms by what they accept),
 * answers as the service produces them (`io: "output"`). Nothing here restates a field, so the
 * document cannot drift from the routes. What it adds by hand is what no schema holds: the paths,
 * who may call each, and which of the error codes each route can answer (their statuses come
 * from HTTP_STATUS in lib/errors.ts, the one map the routes use; every refusal is its `errorBody`).
 */

/** Where zod's JSON Schema cannot say what a refinement checks, and the registry can. */
function annotate(ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  // `.describe()` clones a schema but keeps its definition: compare definitions, not instances.
  const def = (ctx.zodSchema as { _zod: { def: unknown } })._zod.def;
  if (def === processorField._zod.def) {
    // What `resolveProcessorName` accepts: the console's names and the pipeline's table names.
    ctx.jsonSchema.enum = PROCESSORS.flatMap((p) => [p.name, ...p.aliases]);
  }
  if (def === isoDateField._zod.def) ctx.jsonSchema.format = "date";
}

/** The answer of a write whose data is not one of the schemas above: its fields follow `ok` and `replay`. */
export const writeResult = z
  .object({
    ok: z.literal(true),
    replay: z.boolean().describe("The same request (by request_id) was answered before: this is that answer, nothing was written again."),
  })
  .loose();

const REQUESTS = {
  CheckRequest: checkInput,
  OutcomesRequest: outcomesBody,
  RunId: runIdField,
  OverrideRequest: overrideInput,
  BulkOverrideFilter: bulkFilter,
  BulkOverrideSelection: bulkSelection,
  BulkOverrideRequest: bulkApplyInput,
  ResetRequest: resetInput,
  RestoreRequest: restoreInput,
  TokenCreateRequest: tokenCreateInput,
  TokenRevokeRequest: tokenRevokeInput,
  DemoAdvanceRequest: advanceDemoInput,
};
const RESPONSES = {
  CheckResult: checkResult,
  OutcomesResult: outcomesResult,
  WriteResult: writeResult,
  DemoAdvanceResult: advanceResult,
  ActiveBreakersPage: activeBreakersPageSchema,
  BreakerHistoryPage: breakerHistoryPageSchema,
  Error: errorBody,
};
type SchemaName = keyof typeof REQUESTS | keyof typeof RESPONSES;

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

/** One registry per direction: a schema registered in it is referenced (`$ref`) wherever it is reused. */
function componentSchemas(schemas: Record<string, z.ZodType>, io: "input" | "output"): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: out } = z.toJSONSchema(registry, { target: "draft-2020-12", io, uri: (id) => `#/components/schemas/${id}`, override: annotate });
  if ("__shared" in out) throw new Error("a schema zod could only share through $defs: register it by name");
  // The document's dialect is 2020-12 already; a fragment `$id` is not a valid one there.
  return Object.fromEntries(Object.entries(out).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema as Record<string, unknown>]));
}

interface Operation {
  path: string;
  operationId: string;
  tag: "checks" | "breakers" | "tokens" | "demo";
  summary: string;
  description: string;
  /** The lowest role the action's permission needs (lib/auth/roles.ts); `pipeline` is for API tokens only. */
  role: Role;
  body: keyof typeof REQUESTS;
  ok: { status: 200 | 201; schema: keyof typeof RESPONSES; description: string };
  /** Whether a repeated request is answered 200 with the stored answer (a 201 route's replay). */
  replays: boolean;
  /** The action's own refusals, beyond the ones every write route has. */
  codes: Code[];
  refusals: Partial<Record<Code, string>>;
}

/** An operation's path, id, permission (its role follows: `pipeline` is for API tokens only), body and success. */
function op(
  path: string,
  operationId: string,
  permission: Permission,
  body: keyof typeof REQUESTS,
  ok: Pick<Operation, "ok" | "replays">,
  text: Pick<Operation, "summary" | "description" | "codes" | "refusals">,
): Operation {
  const tag = path.split("/")[3] as Operation["tag"];
  return { path, operationId, tag, role: PERMISSIONS[permission], body, ...ok, ...text };
}

/** A success: its status, schema and words, and whether a repeated request gets the stored answer with 200. */
function answers(status: 200 | 201, schema: keyof typeof RESPONSES, description: string, replays: boolean): Pick<Operation, "ok" | "replays"> {
  return { ok: { status, schema, description }, replays };
}
/** A write keyed by its request id: 201 with what it wrote, 200 with the stored answer on a replay. */
const created = (description: string) => answers(201, "WriteResult", description, true);

const OPERATIONS: Operation[] = [
  op("/api/v1/checks", "checkProcessorRun", "check", "CheckRequest", answers(200, "CheckResult", "The run's decisions.", false), {
    summary: "Check a processor run's entities",
    description: "One call per processor run and date: per entity the decision (process or skip, with the reason), every window's counts and missing games, the breaker state, and the output columns to merge into the entity's row. A repeated call with the same run_id and body answers the stored decision (`replay`). With `record: true` the skips' failed attempts are recorded now.",
    codes: ["conflict", "stale", "reused", "unavailable"],
    refusals: {
      forbidden: "The token is bound to another processor.",
      conflict: "The processor's breaker reader is still `original` (BREAKER_READERS): switch it first.",
      invalid: "A field, or an entity of another kind than the processor takes.",
      reused: "The run_id was checked before with another body: a run is checked once per date.",
      unavailable: "The warehouse did not answer: nothing was decided. Retry with the same run_id; never process unchecked entities.",
    },
  }),
  op("/api/v1/checks/{run_id}/outcomes", "reportRunOutcomes", "check", "OutcomesRequest", answers(201, "OutcomesResult", "Rows appended.", true), {
    summary: "Report what a checked run did",
    description: "Per entity `processed`, `failed` (with a reason code, recorded as the attempt's skip_reason) or `skipped`. Appends the attempt rows the rules call for (failure, trip, success, recovery) under the processor's pipeline name, once per run and entity: a repeated report writes nothing and answers 200.",
    codes: ["not_found", "conflict", "stale", "unavailable"],
    refusals: {
      invalid: "A field; an entity the check did not cover; a processed or failed outcome for an entity the check said to skip; a body run_id other than the path's.",
      not_found: "No check of this run, processor and date in the last 30 days.",
      conflict: "An entity was already reported with another outcome, or the processor's breaker reader is not `console`.",
      unavailable: "The warehouse did not answer: nothing was written. Retry with the same body.",
    },
  }),
  op("/api/v1/breakers/override", "overrideBreaker", "override", "OverrideRequest", created("Overridden."), {
    summary: "Override one active breaker",
    description: "Appends the override row the processor's breaker reader honours and one audit record; the answer's `change` and `consequence` say what it does.",
    codes: ["conflict", "stale", "reused"],
    refusals: { conflict: "The breaker is not active (the message says who changed it and when)." },
  }),
  op("/api/v1/breakers/bulk-override/preview", "previewBulkOverride", "override", "BulkOverrideSelection", answers(200, "WriteResult", "The selection and its token.", false), {
    summary: "Preview a bulk override",
    description: "The active breakers the selection picks, with before → after, and the token the apply must send. Writes nothing. The selection is a filter, or `{ incident }`: that incident's keys whose upstream data has recovered, chosen by the server (the apply sends the same selection and they are chosen again).",
    codes: ["not_found"],
    refusals: { not_found: "No incident of that id." },
  }),
  op("/api/v1/breakers/bulk-override", "applyBulkOverride", "override", "BulkOverrideRequest", created("Overridden."), {
    summary: "Apply a previewed bulk override",
    description: "Selects again with the same filter and overrides all of the keys or none: refused when anything changed since the preview.",
    codes: ["stale", "reused"],
    refusals: { stale: "The selection changed since the preview (or selects nothing): preview again." },
  }),
  op("/api/v1/breakers/reset", "resetBreaker", "reset", "ResetRequest", created("Reset."), {
    summary: "Reset one breaker",
    description: "Destructive: the key's attempt rows go and one reset row is left, giving it a fresh count. `confirm` is the entity id typed again.",
    codes: ["conflict", "stale", "reused"],
    refusals: { conflict: "Nothing to reset, or the key changed meanwhile." },
  }),
  op("/api/v1/breakers/restore", "restoreReset", "restore", "RestoreRequest", created("Restored."), {
    summary: "Restore the rows a reset deleted",
    description: "Undoes one reset, named by its audit record's `audit_id` or its `reset_request_id`: its RESET row goes and the rows it deleted come back exactly as its audit record kept them. Once per reset, within 30 days. `confirm` is the key's entity id typed again. `GET` with the same parameter shows the rows and whether a restore is possible, writing nothing.",
    codes: ["not_found", "conflict", "stale", "reused"],
    refusals: {
      not_found: "No reset with that audit id or request id in the last 365 days.",
      conflict: "Already restored, older than 30 days, recorded before resets kept their rows, or the key changed since the reset.",
    },
  }),
  op("/api/v1/tokens", "createApiToken", "manageTokens", "TokenCreateRequest", answers(201, "WriteResult", "Created.", false), {
    summary: "Create an API token",
    description: "The answer holds the secret (`token`), this once; only its SHA-256 is stored. A pipeline token may be bound to one processor.",
    codes: ["conflict"],
    refusals: { conflict: "The name is taken (names are never reused, even after revocation)." },
  }),
  op("/api/v1/tokens/revoke", "revokeApiToken", "manageTokens", "TokenRevokeRequest", answers(200, "WriteResult", "Revoked.", false), {
    summary: "Revoke an API token",
    description: "Requests with it are refused from then on (401). Revoking a revoked token is a replay.",
    codes: ["not_found", "conflict"],
    refusals: { not_found: "No token of that name.", conflict: "The token is configured in API_TOKENS: remove it there." },
  }),
  op("/api/v1/demo/advance", "advanceDemo", "advanceDemo", "DemoAdvanceRequest", answers(200, "DemoAdvanceResult", "What the pass ran.", false), {
    summary: "Run the demo's next pipeline pass now",
    description: "Embedded demo databases only. Lands the simulated upstream rows whose arrival time has passed, then runs, per processor in dependency order, the orchestrator's retries of the keys due now (overridden since their last attempt, cooldown over, failing for a day) through the engine, and records one `demo_advance` audit record. Send `{}`; a second pass at the same moment writes nothing.",
    codes: ["not_found", "conflict"],
    refusals: {
      not_found: "Not an embedded demo database (BigQuery, or a file without `.demo.json`).",
      conflict: "The demo holds the original profile, whose processors are simulated only while it is built.",
    },
  }),
];

/** What every write route can answer besides its action's own refusals (lib/api/handler.ts, the request gate). */
const COMMON: Partial<Record<Code, string>> = {
  invalid: "The body is not JSON, or a field is invalid (`fieldErrors` names each).",
  unauthorized: "No valid credentials: sign in or send a valid API token.",
  forbidden: "The caller's role may not do this (or a browser session's request came from another site).",
  length_required: "A body without Content-Length (chunked): refused before it is read.",
  too_large: "A body over 1 MiB.",
  failed: "An unexpected failure: nothing was written.",
  unavailable: "The credentials could not be checked (the warehouse did not answer).",
};
/** What an action refusal means where the route does not say more. */
const REFUSAL: Partial<Record<Code, string>> = {
  not_found: "Nothing of that name.",
  conflict: "The request contradicts the current state: nothing was written.",
  stale: "The rows kept changing while the write was applied: nothing was written; send it again.",
  reused: "The request_id was used before for another request (body, caller or action): nothing was written; send a new one.",
  unavailable: "The warehouse did not answer: nothing was decided or written; retry.",
};

function responsesOf(op: Operation): Record<string, unknown> {
  const success = { content: { "application/json": { schema: ref(op.ok.schema) } } };
  const out: Record<string, { description: string; [k: string]: unknown }> = {
    [op.ok.status]: { description: op.ok.description, ...success },
  };
  if (op.replays) out[200] = { description: "The same request was answered before: its stored answer (`replay: true`), nothing written again.", ...success };
  const lines = new Map<number, string[]>();
  const say = (code: Code, said: string | undefined) => {
    const status = HTTP_STATUS[code];
    if (!lines.has(status)) lines.set(status, []);
    if (said) lines.get(status)!.push(`\`${code}\`: ${said}`);
  };
  for (const [code, said] of Object.entries(COMMON) as [Code, string][]) say(code, said);
  for (const code of new Set([...Object.keys(op.refusals) as Code[], ...op.codes])) say(code, op.refusals[code] ?? (COMMON[code] ? undefined : REFUSAL[code]));
  for (const [status, text] of [...lines].sort(([a], [b]) => a - b)) {
    out[status] = { description: text.join(" "), content: { "application/json": { schema: ref("Error") } } };
  }
  return out;
}

function operationOf(op: Operation): Record<string, unknown> {
  const params = [...op.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    description: "The processor run's id, as sent to POST /api/v1/checks.",
    schema: ref("RunId"),
  }));
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: `${op.description}\n\nRole: \`${op.role}\`${op.role === "pipeline" ? " (API tokens only)" : ""}.`,
    "x-role": op.role,
    security: op.role === "pipeline" ? [{ bearerToken: [] }] : [{ bearerToken: [] }, { sessionCookie: [] }],
    ...(params.length ? { parameters: params } : {}),
    requestBody: { required: true, content: { "application/json": { schema: ref(op.body) } } },
    responses: responsesOf(op),
  };
}

// ---------------------------------------------------------------------------------------------
// The paged breaker lists (GET): their query parameters, from the lists' sorts and filters

const query = (name: string, description: string, schema: Record<string, unknown>, explode = false) => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
  ...(explode ? { style: "form", explode: true } : {}),
});

const PROCESSOR_NAMES_ENUM = PROCESSORS.flatMap((p) => [p.name, ...p.aliases]);

function listParameters(sorts: readonly string[], defaults: { sort: string; dir: string }, maxPageSize: number, filters: Record<string, unknown>[]): Record<string, unknown>[] {
  return [
    query("as_of", "The data-as-of date to evaluate at (default: the latest date with output).", { type: "string", format: "date" }),
    query("now", "The instant to evaluate at (default: now, rounded down to the cache time). Pass a page's `now` back to read the same list.", { type: "string", format: "date-time" }),
    query("page", "The page, 1-based. A page past the last answers no rows.", { type: "integer", minimum: 1, default: 1 }),
    query("page_size", `Rows per page (keys, for the history). Above ${maxPageSize} this list answers pages of ${maxPageSize} (the response's \`page_size\`), so no response passes 250 KB.`, { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
    query("sort", "The column to sort by; ties are ordered by processor, entity_id, analysis_date, so pages never overlap.", { type: "string", enum: [...sorts], default: defaults.sort }),
    query("dir", "The direction (NULLs last either way).", { type: "string", enum: ["asc", "desc"], default: defaults.dir }),
    query("processor", "Only these processors: repeated or comma-separated; any known name (aliases resolve).", { type: "array", items: { type: "string", enum: PROCESSOR_NAMES_ENUM } }, true),
    query("date", "Only this analysis date.", { type: "string", format: "date" }),
    query("q", "Only entity ids containing this text (case-insensitive).", { type: "string", maxLength: 120 }),
    ...filters,
    query("format", "`csv`: every selected row (not a page) as CSV, streamed from the warehouse a chunk at a time, in the list's order.", { type: "string", enum: ["csv"] }),
    query("outcomes", "`latest`: also each listed key's latest override and what it led to (`outcomes`, `outcome_counts`); JSON only.", { type: "string", enum: ["latest"] }),
  ];
}

function listOperation(operationId: string, summary: string, description: string, parameters: Record<string, unknown>[], schema: keyof typeof RESPONSES): Record<string, unknown> {
  const refusal = (text: string) => ({ description: text, content: { "application/json": { schema: ref("Error") } } });
  return {
    operationId,
    tags: ["monitoring"],
    summary,
    description: `${description}\n\nRole: \`viewer\`.`,
    "x-role": "viewer",
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    parameters,
    responses: {
      200: {
        description: "One page (`rows`, `page`, `page_size`, `total`) and the counts beside it; with `format=csv`, every selected row as CSV.",
        content: { "application/json": { schema: ref(schema) }, "text/csv": { schema: { type: "string" } } },
      },
      400: refusal("`invalid`: a parameter is invalid (`fieldErrors` names it)."),
      401: refusal("`unauthorized`: no valid credentials."),
      403: refusal("`forbidden`: the caller's role may not read."),
      500: refusal("`failed`: an unexpected failure."),
      503: refusal("`unavailable`: the warehouse did not answer and no earlier result of the request is kept."),
    },
  };
}

const LIST_PATHS = {
  "/api/v1/monitoring/active-breakers": listOperation(
    "listActiveBreakers",
    "The active circuit breakers, a page at a time",
    "Every breaker active at `now`, paged, sorted and filtered by the warehouse, each row with its verdict (safe to override now, or what is missing). Sorting by `verdict` or filtering by `safe` is done on the server over every selected key; only the page is sent.",
    listParameters(ACTIVE_SORTS, ACTIVE_DEFAULT_SORT, ACTIVE_MAX_PAGE_SIZE, [
      query("reason", "Only this skip reason.", { type: "string", maxLength: 120 }),
      query("safe", "Only keys whose verdict is safe to override now (`yes`) or not (`no`).", { type: "string", enum: ["yes", "no"] }),
    ]),
    "ActiveBreakersPage",
  ),
  "/api/v1/monitoring/breaker-history": listOperation(
    "listBreakerHistory",
    "The breaker history of the last 30 days, a page of keys at a time",
    "Every reprocess_attempts row attempted in the 30 days ending at `now`, grouped by key (processor, entity_id, analysis_date) in the warehouse: a page is `page_size` keys, each with its rows in attempt order; `total` counts keys. With `view=trend&from=YYYY-MM-DD`: the trends page's counts since `from` instead of a page.",
    listParameters(HISTORY_SORTS, HISTORY_DEFAULT_SORT, HISTORY_MAX_PAGE_SIZE, [
      query("entity", "Only this entity id, exactly.", { type: "string", maxLength: 120 }),
      query("event", "Only keys with at least one row of this event.", { type: "string", enum: [...BREAKER_EVENT_TYPES] }),
      query("view", "`trend`: trips per processor and analysis date and unaudited overrides and resets per day since `from` (needs `from`).", { type: "string", enum: ["trend"] }),
      query("from", "With `view=trend`: the first date counted.", { type: "string", format: "date" }),
    ]),
    "BreakerHistoryPage",
  ),
};

let built: Record<string, unknown> | null = null;

/** The document (built once per process: it depends on code only). */
export function openApiDocument(): Record<string, unknown> {
  return (built ??= buildOpenApiDocument());
}

export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    "/api/v1/openapi.json": {
      get: {
        operationId: "getOpenApiDocument",
        tags: ["contract"],
        summary: "This document",
        description: "Public: the contract holds no data, and a client is written before its token exists.",
        security: [],
        responses: { 200: { description: "The OpenAPI document.", content: { "application/json": { schema: { type: "object" } } } } },
      },
    },
  };
  for (const op of OPERATIONS) (paths[op.path] ??= {}).post = operationOf(op);
  Object.assign(paths, entityListPaths(ref("Error")));
  Object.assign(paths, auditPaths());
  for (const [path, get] of Object.entries(LIST_PATHS)) (paths[path] ??= {}).get = get;
  return {
    openapi: "3.1.0",
    info: {
      title: "Completeness Console API",
      version: "1",
      description:
        "The check service the pipeline's processors call before and after each run, and the console's breaker and token writes. Every body is JSON; refusals carry `Error`. Writes with a `request_id` are idempotent by it; the check service is idempotent by `run_id` (and entity, for outcomes).",
    },
    tags: [
      { name: "checks", description: "The completeness check as a service (pipeline tokens)." },
      { name: "breakers", description: "Overrides and resets (operators, admins)." },
      { name: "tokens", description: "API tokens (admins)." },
      { name: "demo", description: "The embedded demo database's simulation (admins)." },
      { name: "audit", description: "The audit of console writes (viewers)." },
      { name: "monitoring", description: "The breaker and entity lists, paged in the warehouse (viewers)." },
      { name: "contract", description: "This document." },
    ],
    security: [{ bearerToken: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "cct_…",
          description: "An API token (`completeness tokens create`). When sent, it is the only credential that counts.",
        },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description: "A signed-in browser session (`__Secure-next-auth.session-token` over HTTPS), for same-origin requests only.",
        },
      },
      schemas: { ...componentSchemas(REQUESTS, "input"), ...componentSchemas(RESPONSES, "output") },
    },
  };
}
