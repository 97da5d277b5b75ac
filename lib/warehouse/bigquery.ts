import "server-only";
/**
 * The BigQuery adapter: where cost and safety live.
 *
 * Every job it starts carries: values only as typed named parameters; `maximumBytesBilled`;
 * a job timeout; labels `{ app, query }`; the configured location; a `requestId` that stays
 * the same across retries of one logical call. Retries follow retry.ts and are the only
 * retries — the client library's own are switched off.
 *
 * How it talks to BigQuery, and why not through `bigQuery.query()`:
 * `@google-cloud/bigquery` 8.3.1 `query()` does use the fast path (`POST /projects/{p}/queries`,
 * jobs.query, honouring `jobCreationMode`), but it stamps a fresh `randomUUID()` into
 * `requestId` on every call (`buildQueryRequest_`), so a retry of ours would be a new request
 * to BigQuery and a DML whose response was lost could be applied twice. Setting `jobTimeoutMs`
 * on its query object also silently drops it off the fast path onto jobs.insert + polling. So
 * we build the jobs.query body ourselves and send it with the client's authenticated
 * `request()` (auth, base URL, user agent still the library's), then decode rows with the
 * client's own `BigQuery.mergeSchemaWithRows_`, exactly as `query()` would.
 *
 * Requests made, per attempt:
 *   POST /bigquery/v2/projects/{p}/queries          the query, waits up to `timeoutMs`
 *   GET  /bigquery/v2/projects/{p}/queries/{jobId}  only if the job was not done in time
 *                                                   (poll) or the result has more pages
 */
import { randomUUID } from "node:crypto";

import { BigQuery, type TableField, type TableRow } from "@google-cloud/bigquery";
import { PassThroughClient } from "google-auth-library";

import { normalizeRow } from "./normalize";
import {
  errorFacts,
  isConcurrentUpdateAbort,
  resolveRetryPolicy,
  withRetry,
  type RetryHooks,
  type RetryPolicy,
} from "./retry";
import { WRITE_LOCK } from "./write-lock";
import { paramNames, rewriteDatasets, rewriteParams, splitSql, splitStatements } from "./sql-text";
import {
  GuardFailedError,
  WarehouseError,
  type TransactionOptions,
  type ExecuteResult,
  type ParamType,
  type ParamValue,
  type QueryOptions,
  type Row,
  type ColumnType,
  type InsertStatement,
  type ScalarType,
  type SqlStatement,
  type Statement,
  type StructType,
  type Warehouse,
  isInsert,
} from "./types";

export interface BigQueryWarehouseOptions {
  projectId: string;
  location: string;
  /** Bytes a single job may bill; BigQuery fails the job (`bytesBilledLimitExceeded`) above it. */
  maximumBytesBilled: number;
  /** Time budget of one attempt: BigQuery cancels the job after it, and we stop waiting. */
  timeoutMs: number;
  /** A non-Google endpoint (a local fake): no credentials are looked up or sent. */
  apiEndpoint?: string;
  /** Logical dataset name (`nba_raw`) → configured name, from `datasetMap(env)`. */
  datasets: Record<string, string>;
  retry?: Partial<RetryPolicy>;
  /** Test seams for the retry loop (the wait between attempts and its jitter) and a log hook. */
  sleep?: RetryHooks["sleep"];
  random?: RetryHooks["random"];
  onRetry?: RetryHooks["onRetry"];
}

/** The label every job carries, so billing exports and INFORMATION_SCHEMA.JOBS can find ours. */
const APP_LABEL = "completeness-console";

/** The message a failed transaction guard raises; recognised in the job error. */
const GUARD_MARKER = "cc_guard_failed";

/** The variable a transaction script collects per-statement affected-row counts in. */
const ROW_COUNTS = "_cc_row_counts";

/** The message a script raises when the lock row is missing; recognised in the job error. */
const LOCK_MISSING_MARKER = "cc_write_lock_missing";

export function createBigQueryWarehouse(options: BigQueryWarehouseOptions): Warehouse {
  const policy = resolveRetryPolicy(options.retry);
  if (!Number.isSafeInteger(options.maximumBytesBilled) || options.maximumBytesBilled <= 0) {
    throw new RangeError("BigQuery maximumBytesBilled must be a positive integer");
  }
  if (!Number.isSafeInteger(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new RangeError("BigQuery timeoutMs must be a positive integer");
  }

  const client = new BigQuery({
    projectId: options.projectId,
    location: options.location,
    // With a custom endpoint the client would otherwise run google-auth-library's discovery
    // (env vars, gcloud files, the GCE metadata server) and fail or stall without credentials.
    // PassThroughClient sends no Authorization header and probes nothing. (The client also
    // honours a BIGQUERY_EMULATOR_HOST environment variable over any apiEndpoint; we do not
    // set it, and nothing in the project should.)
    ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint, authClient: new PassThroughClient() } : {}),
    // Our retry policy must be the only one: the library would otherwise retry 429/5xx up to 3
    // times itself (retry-request), multiplying our attempts and ignoring our back-off.
    // `autoRetry: false` is what turns it off — `maxRetries: 0` alone is ignored, because
    // @google-cloud/common tests it for truthiness and falls back to 3 — and the deprecated
    // top-level `autoRetry` cannot be combined with `retryOptions` (it throws).
    retryOptions: { autoRetry: false, maxRetries: 0 },
  });

  // The client's HTTP layer (teeny-request 10 on node-fetch 3) ignores its `timeout` option —
  // node-fetch 3 dropped it — and takes no AbortSignal, so a stalled connection would hang
  // forever. We race every request against our own deadline instead; a request that loses
  // the race is left to finish in the background and its answer is dropped. That is safe
  // because BigQuery itself cancels the job at `jobTimeoutMs`, the same budget.
  const responseGraceMs = Math.min(2_000, Math.ceil(options.timeoutMs / 10));

  function send<T>(reqOpts: { method: "GET" | "POST"; uri: string; json?: object; qs?: object }, deadline: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(timeoutError(options.timeoutMs)), Math.max(0, deadline - Date.now()));
      // Quirk: @google-cloud/common replaces every "{{projectId}}" anywhere in the JSON body
      // with the project id (its URL placeholder mechanism, applied to a copy of the body) —
      // SQL text and parameter values included. Our SQL never contains it; a user-typed value
      // that does (say, an override reason) would be stored with the project id in its place.
      try {
        client.request(reqOpts, (err, body) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve(body as T);
        });
      } catch (error) {
        clearTimeout(timer);
        reject(error);
      }
    });
  }

  /**
   * One logical call: build the body once, then attempt it with the same requestId — except
   * after a transaction BigQuery aborted for a concurrent update. That one was rolled back, so
   * nothing of it can be applied twice, and BigQuery would answer its requestId with the same
   * failed job for 15 minutes: it is re-issued under a new one (as Google's Python client
   * re-issues failed jobs).
   */
  async function run(sql: string, opts: QueryOptions, kind: string): Promise<JobResult> {
    const body = buildRequest(sql, opts, kind);
    const attemptOnce = async () => {
      try {
        return await attempt(body);
      } catch (error) {
        if (isConcurrentUpdateAbort(error)) body.requestId = randomUUID();
        throw error;
      }
    };
    return withRetry(attemptOnce, policy, {
      sleep: options.sleep,
      random: options.random,
      onRetry: options.onRetry,
      onGiveUp: (error, { attempts }) => toWarehouseError(error, attempts, options.timeoutMs),
    });
  }

  function buildRequest(sql: string, opts: QueryOptions, kind: string): QueryRequestBody {
    const text = rewriteDatasets(sql, options.datasets);
    const requestId = opts.requestId ?? randomUUID();
    if (!/^[\x21-\x7e]{1,36}$/.test(requestId)) {
      // BigQuery's limit: up to 36 printable ASCII characters, case-sensitive.
      throw new WarehouseError("Invalid request id", { reason: "invalidRequestId" });
    }
    return {
      query: text,
      useLegacySql: false,
      parameterMode: "NAMED",
      queryParameters: encodeParameters(text, opts.params ?? {}, opts.types ?? {}),
      location: options.location,
      // int64 fields travel as strings in the REST API.
      maximumBytesBilled: String(options.maximumBytesBilled),
      // BigQuery cancels the job after this; `timeoutMs` is how long this request waits for it.
      jobTimeoutMs: String(options.timeoutMs),
      timeoutMs: options.timeoutMs,
      labels: { app: APP_LABEL, query: labelValue(opts.label ?? kind) },
      // Idempotency key: duplicates within ~15 minutes return the first request's outcome
      // instead of running again. Reused verbatim by every retry of this call.
      requestId,
      // Short query mode: BigQuery may answer without creating a job (lower latency); it still
      // creates one when it needs to (long-running, paged or multi-statement queries).
      jobCreationMode: "JOB_CREATION_OPTIONAL",
      // TIMESTAMPs as int64 microseconds: exact, and the format the client's decoder assumes
      // when it is not told otherwise.
      formatOptions: { useInt64Timestamp: true },
    };
  }

  async function attempt(body: QueryRequestBody): Promise<JobResult> {
    const budgetEnd = Date.now() + options.timeoutMs;
    // Past the budget we still give the server a moment to deliver its "not done yet".
    const deadline = budgetEnd + responseGraceMs;
    let response = await send<QueryResponse>({ method: "POST", uri: "/queries", json: body }, deadline);
    let schema = response.schema;
    const rows: Row[] = decodeRows(schema, response.rows);
    while (response.jobComplete !== true || response.pageToken) {
      const job = response.jobReference;
      if (!job?.jobId) {
        // BigQuery creates a job whenever it cannot answer at once or in one page, so an
        // unfinished or paged answer without one is not something we can continue.
        throw new WarehouseError("The warehouse returned an unexpected response", { reason: "badResponse" });
      }
      const remaining = budgetEnd - Date.now();
      if (remaining <= 0) throw timeoutError(options.timeoutMs);
      const pageToken = response.jobComplete === true ? response.pageToken : undefined;
      response = await send<QueryResponse>(
        {
          method: "GET",
          uri: `/queries/${encodeURIComponent(job.jobId)}`,
          qs: {
            location: job.location ?? options.location,
            timeoutMs: remaining,
            "formatOptions.useInt64Timestamp": true,
            ...(pageToken ? { pageToken } : {}),
          },
        },
        deadline,
      );
      // The schema arrives with the first complete answer (or again with every page).
      schema = response.schema ?? schema;
      rows.push(...decodeRows(schema, response.rows));
      // Keep the job reference for the next round even if a page omits it.
      response.jobReference ??= job;
    }
    return { rows, numDmlAffectedRows: response.numDmlAffectedRows };
  }

  return {
    kind: "bigquery",

    async query<T extends Row = Row>(sql: string, opts: QueryOptions = {}): Promise<T[]> {
      const result = await run(sql, opts, "query");
      return result.rows as T[];
    },

    async execute(sql: string, opts: QueryOptions = {}): Promise<ExecuteResult> {
      const result = await run(sql, opts, "execute");
      // DDL reports no count: 0 rows inserted, updated or deleted.
      return { affectedRows: result.numDmlAffectedRows === undefined ? 0 : toCount(result.numDmlAffectedRows) };
    },

    async transaction(statements: Statement[], opts: TransactionOptions = {}): Promise<ExecuteResult[]> {
      if (statements.length === 0) return [];
      const { guard, ...jobOptions } = opts;
      const script = transactionScript(statements.map(lowerStatement), guard, labelValue(opts.label ?? "transaction"));
      try {
        const result = await run(script.sql, { ...jobOptions, params: script.params, types: script.types }, "transaction");
        return affectedRowsFromScript(result.rows, statements.length);
      } catch (error) {
        // The script's RAISEs (failed guard, missing lock row) come back as job errors carrying our markers.
        const detail = error instanceof WarehouseError ? JSON.stringify(error.detail) : "";
        if (detail.includes(GUARD_MARKER)) throw new GuardFailedError();
        if (detail.includes(LOCK_MISSING_MARKER)) {
          throw new WarehouseError("The console's write lock row is missing (nba_orchestration.console_write_lock): run `npm run schema:apply`", {
            reason: "writeLockMissing",
          });
        }
        throw error;
      }
    },

    async insert(table, columns, rows): Promise<ExecuteResult> {
      if (rows.length === 0) return { affectedRows: 0 };
      const statement = insertSql({ insert: table, columns, rows });
      const result = await run(statement.sql, { params: statement.params, types: statement.types }, "insert");
      return { affectedRows: result.numDmlAffectedRows === undefined ? 0 : toCount(result.numDmlAffectedRows) };
    },

    async close(): Promise<void> {
      // Nothing of ours to release: the client holds no session, and its keep-alive sockets
      // belong to teeny-request's process-wide agent pool.
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Wire types: the subset of jobs.query / jobs.getQueryResults we send and read.

type WireType =
  | { type: ScalarType }
  | { type: "ARRAY"; arrayType: WireType }
  | { type: "STRUCT"; structTypes: { name: string; type: WireType }[] };

type WireValue =
  | { value: string | null }
  | { arrayValues: WireValue[] }
  | { structValues: Record<string, WireValue> };

interface QueryParameter {
  name: string;
  parameterType: WireType;
  parameterValue: WireValue;
}

interface QueryRequestBody {
  query: string;
  useLegacySql: false;
  parameterMode: "NAMED";
  queryParameters: QueryParameter[];
  location: string;
  maximumBytesBilled: string;
  jobTimeoutMs: string;
  timeoutMs: number;
  labels: Record<string, string>;
  requestId: string;
  jobCreationMode: "JOB_CREATION_OPTIONAL";
  formatOptions: { useInt64Timestamp: true };
}

interface QueryResponse {
  jobComplete?: boolean;
  jobReference?: { projectId?: string; jobId?: string; location?: string };
  schema?: { fields?: TableField[] };
  rows?: TableRow[];
  pageToken?: string;
  numDmlAffectedRows?: string;
}

interface JobResult {
  rows: Row[];
  numDmlAffectedRows?: string;
}

function decodeRows(schema: QueryResponse["schema"], rows: TableRow[] | undefined): Row[] {
  if (!rows || rows.length === 0) return [];
  if (!schema) throw new WarehouseError("The warehouse returned rows without a schema", { reason: "badResponse" });
  // The client's decoder turns the `{ f: [{ v }] }` wire rows into objects of wrapper values
  // (BigQueryDate, BigQueryTimestamp, Big, BigQueryInt…); normalize.ts makes them plain.
  // `wrapIntegers: true` keeps INT64 digits exact until normalize checks they fit a number;
  // with `false` the client would round large values silently. The listParams tell the
  // decoder TIMESTAMPs are int64 micros, as requested in `formatOptions`.
  const decoded = BigQuery.mergeSchemaWithRows_(schema, rows, {
    wrapIntegers: true,
    parseJSON: false,
    listParams: { "formatOptions.useInt64Timestamp": true },
  }) as Record<string, unknown>[];
  try {
    return decoded.map(normalizeRow);
  } catch (error) {
    throw new WarehouseError("The warehouse returned a value that cannot be represented", {
      reason: "valueOutOfRange",
      cause: { message: error instanceof Error ? error.message : String(error) },
    });
  }
}

function toCount(digits: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new WarehouseError("The warehouse returned an unreadable row count", { reason: "badResponse" });
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Parameters.

/**
 * Encode named parameters in the REST shape. We do it rather than `BigQuery.valueToQueryParameter_`
 * because the client's encoder (a) turns any JS Date into a TIMESTAMP string even for a DATE
 * parameter, (b) throws on a NULL array, and (c) sends numbers and booleans as JSON numbers
 * where the API defines strings. Every parameter needs a declared type (BigQuery cannot type
 * NULL or an empty array), and every `@name` in the SQL needs a value: both are checked here,
 * so a mistake fails fast with a clear message instead of as `invalidQuery` after a round trip.
 */
export function encodeParameters(
  sql: string,
  params: Record<string, ParamValue>,
  types: Record<string, ParamType>,
): QueryParameter[] {
  for (const name of paramNames(sql)) {
    if (!Object.hasOwn(params, name)) throw invalidParameter(name, "is used in the query but has no value");
  }
  return Object.entries(params).map(([name, value]) => {
    const type = types[name];
    if (type === undefined) throw invalidParameter(name, "has no declared type");
    if (Array.isArray(type) && typeof type[0] === "object") {
      if (value !== null && !Array.isArray(value)) throw invalidParameter(name, "is declared as an array but is not one");
      return encodeStructArray(name, type[0], (value ?? []) as ReadonlyArray<Record<string, unknown>>);
    }
    if (Array.isArray(type)) {
      const elementType = type[0] as ScalarType;
      if (value !== null && !Array.isArray(value)) throw invalidParameter(name, "is declared as an array but is not one");
      // The REST encoding cannot tell a NULL array from an empty one (a repeated field with no
      // elements is simply absent), so null is sent as [].
      const items = (value ?? []) as ReadonlyArray<unknown>;
      return {
        name,
        parameterType: { type: "ARRAY", arrayType: { type: elementType } },
        parameterValue: {
          arrayValues: items.map((item) => {
            const encoded = encodeScalar(name, elementType, item);
            // BigQuery arrays cannot hold NULL elements.
            if (encoded === null) throw invalidParameter(name, "contains a null element");
            return { value: encoded };
          }),
        },
      };
    }
    if (Array.isArray(value)) throw invalidParameter(name, `is declared as ${type} but is an array`);
    return { name, parameterType: { type }, parameterValue: { value: encodeScalar(name, type, value) } };
  });
}

function columnWireType(type: ColumnType): WireType {
  return Array.isArray(type) ? { type: "ARRAY", arrayType: { type: type[0] } } : { type };
}

/** An ARRAY<STRUCT<…>> parameter: how many rows travel to one DML INSERT (see insertSql). */
function encodeStructArray(name: string, struct: StructType, rows: ReadonlyArray<Record<string, unknown>>): QueryParameter {
  const fields = Object.entries(struct);
  return {
    name,
    parameterType: {
      type: "ARRAY",
      arrayType: { type: "STRUCT", structTypes: fields.map(([field, t]) => ({ name: field, type: columnWireType(t) })) },
    },
    parameterValue: {
      arrayValues: rows.map((row) => ({
        structValues: Object.fromEntries(
          fields.map(([field, t]): [string, WireValue] => {
            const v = row[field] ?? null;
            if (!Array.isArray(t)) return [field, { value: encodeScalar(`${name}.${field}`, t, v) }];
            // A NULL array and an empty one travel the same way (see above).
            const items = (v ?? []) as unknown[];
            return [field, { arrayValues: items.map((item) => ({ value: encodeScalar(`${name}.${field}`, t[0], item) })) }];
          }),
        ),
      })),
    },
  };
}

/**
 * An InsertStatement as one DML statement: `INSERT INTO t (a, b) SELECT r.a, r.b FROM
 * UNNEST(@rows) AS r`, the rows travelling as one ARRAY<STRUCT> parameter. A DML job, never a
 * streaming insert: streamed rows cannot be deleted for up to 30 minutes, and a reset deletes.
 */
export function insertSql(statement: InsertStatement): SqlStatement {
  const columns = Object.keys(statement.columns);
  return {
    sql: `INSERT INTO ${statement.insert} (${columns.join(", ")}) SELECT ${columns.map((c) => `r.${c}`).join(", ")} FROM UNNEST(@rows) AS r`,
    params: { rows: statement.rows as ParamValue },
    types: { rows: [statement.columns as StructType] },
  };
}

function lowerStatement(statement: Statement): SqlStatement {
  return isInsert(statement) ? insertSql(statement) : statement;
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** One scalar → its REST string form; null stays null (a NULL of that type). */
function encodeScalar(name: string, type: ScalarType, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "STRING":
      if (typeof value === "string") return value;
      break;
    case "BOOL":
      if (typeof value === "boolean") return value ? "true" : "false";
      break;
    case "INT64":
      if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
      if (typeof value === "string" && INTEGER_TEXT.test(value)) return value;
      break;
    case "FLOAT64":
    case "NUMERIC":
      if (typeof value === "number" && Number.isFinite(value)) return String(value);
      if (typeof value === "string" && DECIMAL_TEXT.test(value)) return value;
      break;
    case "DATE":
      // A Date means its UTC calendar day: the app computes dates in UTC and passes them as parameters.
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
      if (typeof value === "string" && DATE_TEXT.test(value)) return value;
      break;
    case "TIMESTAMP":
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
      // A string is passed as a TIMESTAMP literal for BigQuery to parse (it rejects bad ones).
      if (typeof value === "string") return value;
      break;
  }
  throw invalidParameter(name, `is not a valid ${type} value`);
}

function invalidParameter(name: string, problem: string): WarehouseError {
  // The parameter's name comes from our code and helps find the bug; its value is never shown.
  return new WarehouseError(`Query parameter @${name} ${problem}`, { reason: "invalidParameter" });
}

/**
 * BigQuery label values: at most 63 characters, lowercase letters, digits, `_` and `-`.
 * Anything else becomes `_`, so a query name like "Monitoring.Health" still labels the job.
 */
export function labelValue(label: string): string {
  const value = label.toLowerCase().replace(/[^a-z0-9_-]/g, "_").slice(0, 63);
  return value || "unnamed";
}

// ---------------------------------------------------------------------------------------------
// Transactions.

/**
 * One multi-statement script, all or nothing:
 *
 *   DECLARE _cc_row_counts ARRAY<INT64> DEFAULT [];
 *   BEGIN TRANSACTION;
 *   [with a guard: UPDATE … console_write_lock …;  (WRITE_LOCK)
 *                  IF @@row_count <> 1 THEN RAISE …; END IF;
 *                  IF NOT (<guard with @x renamed @g_x>) THEN RAISE …; END IF;]
 *   <statement 0 with @x renamed @s0_x>;
 *   SET _cc_row_counts = ARRAY_CONCAT(_cc_row_counts, [IFNULL(@@row_count, 0)]);
 *   <statement 1 …>;
 *   SET …;
 *   COMMIT TRANSACTION;
 *   SELECT _cc_row_counts AS row_counts;
 *
 * A script's job reports no per-statement `numDmlAffectedRows`, so each statement's count is
 * read from `@@row_count` right after it and returned by the final SELECT (a script's result is
 * its last statement's). `@@row_count` is NULL after a non-DML statement, counted as 0. If
 * any statement fails, the script ends inside the transaction and BigQuery rolls it back.
 *
 * Parameters are renamed per statement (`@s0_name`) so two statements may both use `@name`
 * with different values; `s{i}_` cannot collide because parameter names cannot start with a
 * digit. Each statement must be exactly one statement (checked), and a statement ending in a
 * `--` comment gets its `;` on a new line, where the comment cannot swallow it.
 */
export function transactionScript(
  statements: SqlStatement[],
  guard?: SqlStatement,
  lockTakenBy = "transaction",
): {
  sql: string;
  params: Record<string, ParamValue>;
  types: Record<string, ParamType>;
} {
  const params: Record<string, ParamValue> = {};
  const types: Record<string, ParamType> = {};
  const lines = [`DECLARE ${ROW_COUNTS} ARRAY<INT64> DEFAULT [];`, "BEGIN TRANSACTION;"];
  if (guard) {
    // Serialize with other replicas' guarded writes (WRITE_LOCK), then compare-and-swap:
    // raising inside the transaction aborts and rolls it back.
    lines.push(`${WRITE_LOCK};`, `IF @@row_count <> 1 THEN RAISE USING MESSAGE = '${LOCK_MISSING_MARKER}'; END IF;`);
    params.lock_taken_by = lockTakenBy;
    types.lock_taken_by = "STRING";
    const sql = rewriteParams(guard.sql, (name) => `@g_${name}`);
    lines.push(`IF NOT COALESCE((SELECT ok FROM (${sql})), FALSE) THEN RAISE USING MESSAGE = '${GUARD_MARKER}'; END IF;`);
    for (const [name, value] of Object.entries(guard.params ?? {})) params[`g_${name}`] = value;
    for (const [name, type] of Object.entries(guard.types ?? {})) types[`g_${name}`] = type;
  }
  statements.forEach((statement, i) => {
    const parts = splitStatements(statement.sql);
    if (parts.length !== 1) {
      throw new WarehouseError("Each transaction statement must be exactly one SQL statement", {
        reason: "invalidStatement",
      });
    }
    const prefix = `s${i}_`;
    // `rewriteParams` replaces the whole `@name` token, so the `@` is ours to put back.
    const sql = rewriteParams(parts[0]!, (name) => `@${prefix}${name}`);
    lines.push(endsWithLineComment(sql) ? `${sql}\n;` : `${sql};`);
    lines.push(`SET ${ROW_COUNTS} = ARRAY_CONCAT(${ROW_COUNTS}, [IFNULL(@@row_count, 0)]);`);
    for (const [name, value] of Object.entries(statement.params ?? {})) params[prefix + name] = value;
    for (const [name, type] of Object.entries(statement.types ?? {})) types[prefix + name] = type;
  });
  lines.push("COMMIT TRANSACTION;", `SELECT ${ROW_COUNTS} AS row_counts;`);
  return { sql: lines.join("\n"), params, types };
}

function endsWithLineComment(sql: string): boolean {
  const last = splitSql(sql).at(-1);
  return last?.kind === "comment" && !last.text.startsWith("/*");
}

/**
 * The counts from the script's final SELECT. Should they be missing (the contract has no
 * "unknown"), each statement gets NaN rather than a made-up 0: the writes did commit, so
 * throwing would invite a caller to apply them again.
 */
function affectedRowsFromScript(rows: Row[], statementCount: number): ExecuteResult[] {
  const counts = rows.at(-1)?.row_counts;
  if (Array.isArray(counts) && counts.length === statementCount && counts.every((c) => typeof c === "number")) {
    return counts.map((affectedRows: number) => ({ affectedRows }));
  }
  return Array.from({ length: statementCount }, () => ({ affectedRows: Number.NaN }));
}

// ---------------------------------------------------------------------------------------------
// Errors.

function timeoutError(timeoutMs: number): WarehouseError {
  // Not retried (reason `timeout`): the budget is spent and BigQuery cancels the job at the
  // same moment; running it again would double the cost of a query that is too slow.
  return new WarehouseError(`The query did not finish within ${timeoutMs} ms`, { reason: "timeout" });
}

/** Safe messages by reason: no SQL, no parameter values, no table names. */
const SAFE_MESSAGES: Record<string, string> = {
  invalidQuery: "The warehouse rejected the query as invalid",
  invalid: "The warehouse rejected the request as invalid",
  accessDenied: "The warehouse denied access; check the service account's permissions",
  quotaExceeded: "A warehouse quota was exceeded; try again later",
  rateLimitExceeded: "The warehouse is rate-limiting requests; try again shortly",
  jobRateLimitExceeded: "The warehouse is rate-limiting requests; try again shortly",
  notFound: "A table or dataset the query needs was not found",
  duplicate: "The warehouse reported a duplicate",
  responseTooLarge: "The query result is too large",
  bytesBilledLimitExceeded: "The query would scan more data than the configured limit allows",
  billingTierLimitExceeded: "The query needs more resources than the configured limit allows",
  resourcesExceeded: "The query used too many resources",
  backendError: "The warehouse had a temporary failure",
  internalError: "The warehouse had a temporary failure",
  jobBackendError: "The warehouse had a temporary failure",
  jobInternalError: "The warehouse had a temporary failure",
  stopped: "The query was stopped",
};

/**
 * Any failure → a `WarehouseError` whose message is safe to show, with the reason, HTTP status
 * and BigQuery's own text (which may quote SQL or values) kept in `detail` for the logs.
 */
function toWarehouseError(error: unknown, attempts: number, timeoutMs: number): WarehouseError {
  if (error instanceof WarehouseError) {
    if (attempts <= 1) return error;
    return new WarehouseError(`${error.message} (after ${attempts} attempts)`, { ...error.detail });
  }
  const facts = errorFacts(error);
  const reason = facts.reasons[0] ?? facts.networkCode;
  let message: string;
  if (/due to concurrent update/i.test(facts.message)) {
    message = "The write conflicted with a concurrent update; try again";
  } else if (reason && SAFE_MESSAGES[reason]) {
    message = SAFE_MESSAGES[reason]!;
  } else if (facts.status !== undefined && facts.status >= 500) {
    message = "The warehouse had a temporary failure";
  } else if (facts.status === 408) {
    message = `The query did not finish within ${timeoutMs} ms`;
  } else if (facts.status === 429) {
    message = "The warehouse is rate-limiting requests; try again shortly";
  } else if (facts.networkCode) {
    message = "Could not reach the warehouse";
  } else {
    message = "The warehouse request failed";
  }
  if (attempts > 1) message += ` (after ${attempts} attempts)`;
  return new WarehouseError(message, {
    ...(reason ? { reason } : {}),
    ...(facts.status !== undefined ? { status: facts.status } : {}),
    cause: { message: facts.message, reasons: facts.reasons, attempts },
  });
}
