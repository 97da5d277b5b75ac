/**
 * The BigQuery adapter driven through the real `@google-cloud/bigquery` client against an
 * in-process fake of the REST API: what goes over the wire, how answers are decoded, and which
 * failures are retried. No real waits except the timeout tests (a few hundred ms).
 */
import { BigQuery } from "@google-cloud/bigquery";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  BigQueryFake,
  dmlResponse,
  errorResponse,
  incompleteResponse,
  rowsResponse,
  type RecordedRequest,
  type ScriptedResponse,
} from "@/test/support/bigquery-fake";

import { createBigQueryWarehouse, labelValue, type BigQueryWarehouseOptions } from "./bigquery";
import { normalizeValue, timestampToIso } from "./normalize";
import { GuardFailedError, WarehouseError } from "./types";

const PROJECT = "test-project";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const fake = new BigQueryFake();
let sleeps: number[] = [];

beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  sleeps = [];
});

function warehouse(overrides: Partial<BigQueryWarehouseOptions> = {}) {
  return createBigQueryWarehouse(
    fake.warehouseOptions({
      projectId: PROJECT,
      timeoutMs: 30_000,
      datasets: { nba_raw: "prod_raw", nba_orchestration: "prod_orchestration", nba_analytics: "nba_analytics" },
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      ...overrides,
    }),
  );
}

/** The parsed JSON body of a recorded request. */
function bodyOf(request: RecordedRequest | undefined): Record<string, unknown> {
  expect(request).toBeDefined();
  return request!.body as Record<string, unknown>;
}

async function failure(promise: Promise<unknown>): Promise<WarehouseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WarehouseError);
  return error as WarehouseError;
}

describe("the jobs.query request", () => {
  it("sends one POST …/queries with mapped datasets, typed named parameters and every safety field", async () => {
    fake.enqueue(rowsResponse([{ name: "n", type: "INTEGER" }], [{ n: 1 }]));
    const sql = `SELECT COUNT(*) AS n
FROM nba_raw.games g JOIN nba_analytics.player_game_summary s USING (game_id)
WHERE g.game_date = @game_date AND g.home_team IN UNNEST(@teams) AND g.updated_at >= @since
  AND g.season = @season AND g.note = @note AND g.ratio > @ratio AND g.final = @final
  AND g.d2 = @day_from_date AND ARRAY_LENGTH(@no_ids) = 0 AND ARRAY_LENGTH(@null_dates) = 0
  AND g.email <> 'ops@nba_raw.example' -- nba_raw.games @game_date in a comment stays`;
    await warehouse().query(sql, {
      label: "monitoring_health",
      params: {
        game_date: "2024-01-15",
        teams: ["LAL", "BOS"],
        since: new Date("2024-01-15T12:30:00.250Z"),
        season: 2024,
        note: null,
        ratio: 0.25,
        final: true,
        day_from_date: new Date("2024-02-29T23:59:59.999Z"),
        no_ids: [],
        null_dates: null,
      },
      types: {
        game_date: "DATE",
        teams: ["STRING"],
        since: "TIMESTAMP",
        season: "INT64",
        note: "STRING",
        ratio: "FLOAT64",
        final: "BOOL",
        day_from_date: "DATE",
        no_ids: ["INT64"],
        null_dates: ["DATE"],
      },
    });

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe(`/bigquery/v2/projects/${PROJECT}/queries`);
    // PassThroughClient: no credentials were looked up or sent.
    expect(request!.headers.authorization).toBeUndefined();

    const body = bodyOf(request);
    expect(body.query).toBe(
      sql.replace("nba_raw.games g", "prod_raw.games g"), // only code is rewritten; nba_analytics maps to itself
    );
    expect(body.query).toContain("'ops@nba_raw.example' -- nba_raw.games @game_date in a comment stays");
    expect(body).toMatchObject({
      useLegacySql: false,
      parameterMode: "NAMED",
      location: "US",
      maximumBytesBilled: "1073741824",
      jobTimeoutMs: "30000",
      timeoutMs: 30000,
      labels: { app: "completeness-console", query: "monitoring_health" },
      jobCreationMode: "JOB_CREATION_OPTIONAL",
      formatOptions: { useInt64Timestamp: true },
    });
    expect(body.requestId).toMatch(UUID);
    expect(body.queryParameters).toEqual([
      { name: "game_date", parameterType: { type: "DATE" }, parameterValue: { value: "2024-01-15" } },
      {
        name: "teams",
        parameterType: { type: "ARRAY", arrayType: { type: "STRING" } },
        parameterValue: { arrayValues: [{ value: "LAL" }, { value: "BOS" }] },
      },
      { name: "since", parameterType: { type: "TIMESTAMP" }, parameterValue: { value: "2024-01-15T12:30:00.250Z" } },
      { name: "season", parameterType: { type: "INT64" }, parameterValue: { value: "2024" } },
      { name: "note", parameterType: { type: "STRING" }, parameterValue: { value: null } },
      { name: "ratio", parameterType: { type: "FLOAT64" }, parameterValue: { value: "0.25" } },
      { name: "final", parameterType: { type: "BOOL" }, parameterValue: { value: "true" } },
      // A Date for a DATE parameter is its UTC calendar day (not a TIMESTAMP string).
      { name: "day_from_date", parameterType: { type: "DATE" }, parameterValue: { value: "2024-02-29" } },
      { name: "no_ids", parameterType: { type: "ARRAY", arrayType: { type: "INT64" } }, parameterValue: { arrayValues: [] } },
      { name: "null_dates", parameterType: { type: "ARRAY", arrayType: { type: "DATE" } }, parameterValue: { arrayValues: [] } },
    ]);
  });

  it("sends the configured limits, location and a fresh requestId per call", async () => {
    const wh = warehouse({ location: "EU", maximumBytesBilled: 5_000_000, timeoutMs: 12_345 });
    await wh.query("SELECT 1");
    await wh.query("SELECT 1");
    const [a, b] = fake.queryCalls().map(bodyOf);
    expect(a).toMatchObject({ location: "EU", maximumBytesBilled: "5000000", jobTimeoutMs: "12345", timeoutMs: 12345 });
    expect(a!.queryParameters).toEqual([]);
    expect(a!.requestId).toMatch(UUID);
    expect(b!.requestId).toMatch(UUID);
    expect(a!.requestId).not.toBe(b!.requestId);
  });

  it("uses a caller's requestId verbatim and refuses one BigQuery would reject", async () => {
    await warehouse().execute("DELETE FROM nba_raw.t WHERE TRUE", { requestId: "breaker-override-42" });
    expect(bodyOf(fake.requests[0]).requestId).toBe("breaker-override-42");

    const error = await failure(warehouse().query("SELECT 1", { requestId: "x".repeat(37) }));
    expect(error.detail.reason).toBe("invalidRequestId");
    expect(fake.requests).toHaveLength(1);
  });

  it("labels every job, sanitising the name to BigQuery's label rules", async () => {
    const wh = warehouse();
    await wh.query("SELECT 1", { label: "Monitoring.Health Check/Überblick" });
    await wh.query("SELECT 1", { label: "q".repeat(80) });
    await wh.query("SELECT 1");
    await wh.execute("SELECT 1");
    const labels = fake.queryCalls().map((r) => bodyOf(r).labels);
    expect(labels).toEqual([
      { app: "completeness-console", query: "monitoring_health_check__berblick" },
      { app: "completeness-console", query: "q".repeat(63) },
      { app: "completeness-console", query: "query" },
      { app: "completeness-console", query: "execute" },
    ]);
    expect(labelValue("")).toBe("unnamed");
    expect(labelValue("a-b_c9")).toBe("a-b_c9");
  });

  it.each([
    ["a parameter without a declared type", { params: { x: 1 }, types: {} }, "@x has no declared type"],
    ["a used parameter without a value", { params: {}, types: {} }, "@x is used in the query but has no value"],
    ["a non-integer INT64", { params: { x: 1.5 }, types: { x: "INT64" } }, "@x is not a valid INT64 value"],
    ["a malformed DATE", { params: { x: "15/01/2024" }, types: { x: "DATE" } }, "@x is not a valid DATE value"],
    ["an array for a scalar", { params: { x: ["a"] }, types: { x: "STRING" } }, "@x is declared as STRING but is an array"],
    ["a scalar for an array", { params: { x: "a" }, types: { x: ["STRING"] } }, "@x is declared as an array but is not one"],
    ["a non-finite FLOAT64", { params: { x: Number.POSITIVE_INFINITY }, types: { x: "FLOAT64" } }, "@x is not a valid FLOAT64"],
  ] as const)("refuses %s before sending anything", async (_name, opts, message) => {
    const error = await failure(warehouse().query("SELECT @x", opts as never));
    expect(error.message).toContain(message);
    expect(error.detail.reason).toBe("invalidParameter");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("decoding rows through the real client", () => {
  it("turns every BigQuery type into the row contract's plain values", async () => {
    // Values the wire format already gives as the row contract has them (strings, string
    // arrays, nulls, base64 bytes, civil datetimes): returned as they came.
    const PASSED_THROUGH = {
      teams: ["LAL", "BOS"],
      no_teams: [],
      dates: ["2024-01-01", "2024-12-31"],
      name: "LeBron James",
      missing: null,
      missing_date: null,
      missing_ts: null,
      missing_int: null,
      payload: "aGVsbG8=",
      local_time: "2024-01-15T10:00:00",
    };
    fake.enqueue(
      rowsResponse(
        [
          { name: "game_date", type: "DATE" },
          { name: "loaded_at", type: "TIMESTAMP" },
          { name: "whole_second", type: "TIMESTAMP" },
          { name: "before_epoch", type: "TIMESTAMP" },
          { name: "amount", type: "NUMERIC" },
          { name: "tiny", type: "BIGNUMERIC" },
          { name: "rows_seen", type: "INTEGER" },
          { name: "negative", type: "INT64" },
          { name: "ratio", type: "FLOAT" },
          { name: "ok", type: "BOOLEAN" },
          { name: "not_ok", type: "BOOL" },
          { name: "teams", type: "STRING", mode: "REPEATED" },
          { name: "no_teams", type: "STRING", mode: "REPEATED" },
          { name: "dates", type: "DATE", mode: "REPEATED" },
          { name: "counts", type: "INTEGER", mode: "REPEATED" },
          { name: "name", type: "STRING" },
          { name: "missing", type: "STRING" },
          { name: "missing_date", type: "DATE" },
          { name: "missing_ts", type: "TIMESTAMP" },
          { name: "missing_int", type: "INTEGER" },
          { name: "payload", type: "BYTES" },
          { name: "local_time", type: "DATETIME" },
          {
            name: "latest",
            type: "RECORD",
            fields: [
              { name: "value", type: "STRING" },
              { name: "at", type: "TIMESTAMP" },
              { name: "n", type: "INTEGER" },
            ],
          },
          {
            name: "history",
            type: "RECORD",
            mode: "REPEATED",
            fields: [
              { name: "day", type: "DATE" },
              { name: "amount", type: "NUMERIC" },
            ],
          },
        ],
        [
          {
            game_date: "2024-01-05",
            loaded_at: "1705322096789123", // 2024-01-15T12:34:56.789123Z in µs
            whole_second: "1705322096000000",
            // 1 day and 1 µs before the epoch. (Avoid the last second before the epoch: the
            // client's PreciseDate loses the sign there and decodes -1500 µs as +0.9985 s.)
            before_epoch: "-86400000001",
            amount: "12345.6789",
            tiny: "-0.000000001",
            rows_seen: "9007199254740991",
            negative: "-42",
            ratio: "0.1",
            ok: "true",
            not_ok: "false",
            ...PASSED_THROUGH,
            counts: ["1", "2"],
            latest: { value: "v", at: "1705322096789000", n: "7" },
            history: [
              { day: "2024-01-01", amount: "1.5" },
              { day: "2024-01-02", amount: "2" },
            ],
          },
        ],
      ),
    );
    const rows = await warehouse().query("SELECT * FROM nba_raw.everything");
    expect(rows).toEqual([
      {
        game_date: "2024-01-05",
        loaded_at: "2024-01-15T12:34:56.789123Z",
        whole_second: "2024-01-15T12:34:56.000Z",
        before_epoch: "1969-12-30T23:59:59.999999Z",
        amount: 12345.6789,
        tiny: -1e-9,
        rows_seen: 9007199254740991,
        negative: -42,
        ratio: 0.1,
        ok: true,
        not_ok: false,
        ...PASSED_THROUGH,
        counts: [1, 2],
        latest: { value: "v", at: "2024-01-15T12:34:56.789Z", n: 7 },
        history: [
          { day: "2024-01-01", amount: 1.5 },
          { day: "2024-01-02", amount: 2 },
        ],
      },
    ]);
    // Plain values only: a JSON round trip changes nothing.
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });

  it("returns [] for an empty result (BigQuery omits `rows`)", async () => {
    fake.enqueue(rowsResponse([{ name: "x", type: "STRING" }], []));
    await expect(warehouse().query("SELECT x FROM nba_raw.t WHERE FALSE")).resolves.toEqual([]);
  });

  it("refuses an INT64 that a JS number cannot hold exactly, without retrying", async () => {
    fake.enqueue(rowsResponse([{ name: "id", type: "INTEGER" }], [{ id: "9007199254740993" }]));
    const error = await failure(warehouse().query("SELECT id FROM nba_raw.t"));
    expect(error.detail.reason).toBe("valueOutOfRange");
    expect(fake.requests).toHaveLength(1);
  });

  it("polls getQueryResults when the job is not done within the first wait", async () => {
    fake.enqueue(
      incompleteResponse("job_slow", "US"),
      rowsResponse([{ name: "d", type: "DATE" }], [{ d: "2024-03-01" }], {
        jobReference: { projectId: PROJECT, jobId: "job_slow", location: "US" },
      }),
    );
    const rows = await warehouse().query("SELECT d FROM nba_raw.t");
    expect(rows).toEqual([{ d: "2024-03-01" }]);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /bigquery/v2/projects/${PROJECT}/queries`,
      `GET /bigquery/v2/projects/${PROJECT}/queries/job_slow`,
    ]);
    const poll = fake.requests[1]!;
    expect(poll.query).toMatchObject({ location: "US", "formatOptions.useInt64Timestamp": "true" });
    expect(Number(poll.query.timeoutMs)).toBeGreaterThan(0);
    expect(Number(poll.query.timeoutMs)).toBeLessThanOrEqual(30_000);
    expect(poll.query.pageToken).toBeUndefined();
  });

  it("follows pageToken through every page, in the job's location", async () => {
    const fields = [{ name: "n", type: "INTEGER" }];
    const job = { projectId: PROJECT, jobId: "job_paged", location: "EU" };
    fake.enqueue(
      rowsResponse(fields, [{ n: 1 }, { n: 2 }], { jobReference: job, pageToken: "page-2", totalRows: "5" }),
      rowsResponse(fields, [{ n: 3 }, { n: 4 }], { jobReference: job, pageToken: "page-3", totalRows: "5" }),
      rowsResponse(fields, [{ n: 5 }], { jobReference: job, totalRows: "5" }),
    );
    const rows = await warehouse({ location: "EU" }).query("SELECT n FROM nba_raw.t");
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(fake.requests.slice(1).map((r) => [r.path, r.query.pageToken, r.query.location])).toEqual([
      [`/bigquery/v2/projects/${PROJECT}/queries/job_paged`, "page-2", "EU"],
      [`/bigquery/v2/projects/${PROJECT}/queries/job_paged`, "page-3", "EU"],
    ]);
  });
});

describe("execute", () => {
  it("returns numDmlAffectedRows", async () => {
    fake.enqueue(dmlResponse(7));
    await expect(
      warehouse().execute("DELETE FROM nba_orchestration.breaker_events WHERE id = @id", {
        params: { id: "b-1" },
        types: { id: "STRING" },
        label: "delete_breaker",
      }),
    ).resolves.toEqual({ affectedRows: 7 });
    expect(bodyOf(fake.requests[0]).query).toBe("DELETE FROM prod_orchestration.breaker_events WHERE id = @id");
  });

  it("returns 0 for a statement that reports no count (DDL)", async () => {
    fake.enqueue({ body: { jobComplete: true, jobReference: { jobId: "ddl" } } });
    await expect(warehouse().execute("CREATE TABLE IF NOT EXISTS nba_raw.t (x INT64)")).resolves.toEqual({ affectedRows: 0 });
  });

  it("reads the count from getQueryResults when the DML outlasts the first wait", async () => {
    fake.enqueue(incompleteResponse("job_dml"), dmlResponse(3, { jobReference: { jobId: "job_dml", location: "US" } }));
    await expect(warehouse().execute("UPDATE nba_raw.t SET x = 1 WHERE TRUE")).resolves.toEqual({ affectedRows: 3 });
    expect(fake.requests).toHaveLength(2);
  });
});

describe("transaction", () => {
  const countsField = [{ name: "row_counts", type: "INTEGER", mode: "REPEATED" as const }];

  it("sends one script with renamed parameters and returns per-statement counts", async () => {
    fake.enqueue(rowsResponse(countsField, [{ row_counts: ["1", "3"] }], { jobReference: { jobId: "script" } }));
    const at = new Date("2024-01-15T08:00:00.000Z");
    const result = await warehouse().transaction(
      [
        {
          sql: "INSERT INTO nba_orchestration.breaker_events (id, state, at) VALUES (@id, @state, @at);",
          params: { id: "b-1", state: "open", at },
          types: { id: "STRING", state: "STRING", at: "TIMESTAMP" },
        },
        {
          sql: "DELETE FROM nba_orchestration.breaker_overrides WHERE id = @id -- the same @id name, another value",
          params: { id: "b-2" },
          types: { id: "STRING" },
        },
      ],
      { label: "override_breaker" },
    );
    expect(result).toEqual([{ affectedRows: 1 }, { affectedRows: 3 }]);

    expect(fake.requests).toHaveLength(1);
    const body = bodyOf(fake.requests[0]);
    expect(body.query).toBe(
      [
        "DECLARE _cc_row_counts ARRAY<INT64> DEFAULT [];",
        "BEGIN TRANSACTION;",
        "INSERT INTO prod_orchestration.breaker_events (id, state, at) VALUES (@s0_id, @s0_state, @s0_at);",
        "SET _cc_row_counts = ARRAY_CONCAT(_cc_row_counts, [IFNULL(@@row_count, 0)]);",
        // The trailing comment would swallow a `;` on the same line.
        "DELETE FROM prod_orchestration.breaker_overrides WHERE id = @s1_id -- the same @id name, another value\n;",
        "SET _cc_row_counts = ARRAY_CONCAT(_cc_row_counts, [IFNULL(@@row_count, 0)]);",
        "COMMIT TRANSACTION;",
        "SELECT _cc_row_counts AS row_counts;",
      ].join("\n"),
    );
    expect(body.queryParameters).toEqual([
      { name: "s0_id", parameterType: { type: "STRING" }, parameterValue: { value: "b-1" } },
      { name: "s0_state", parameterType: { type: "STRING" }, parameterValue: { value: "open" } },
      { name: "s0_at", parameterType: { type: "TIMESTAMP" }, parameterValue: { value: "2024-01-15T08:00:00.000Z" } },
      { name: "s1_id", parameterType: { type: "STRING" }, parameterValue: { value: "b-2" } },
    ]);
    expect(body).toMatchObject({
      useLegacySql: false,
      parameterMode: "NAMED",
      maximumBytesBilled: "1073741824",
      labels: { app: "completeness-console", query: "override_breaker" },
    });
    expect(body.requestId).toMatch(UUID);
  });

  it("sends nothing for no statements", async () => {
    await expect(warehouse().transaction([])).resolves.toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses a statement that is really several", async () => {
    const error = await failure(warehouse().transaction([{ sql: "DELETE FROM nba_raw.a WHERE TRUE; DELETE FROM nba_raw.b WHERE TRUE" }]));
    expect(error.detail.reason).toBe("invalidStatement");
    expect(fake.requests).toHaveLength(0);
  });

  it("reports NaN (unknown), not 0, when the script's counts are missing", async () => {
    fake.enqueue({ body: { jobComplete: true, jobReference: { jobId: "script" } } });
    const result = await warehouse().transaction([{ sql: "DELETE FROM nba_raw.a WHERE TRUE" }]);
    expect(result).toHaveLength(1);
    expect(result[0]!.affectedRows).toBeNaN();
  });

  it.each([
    "Transaction is aborted due to concurrent update against table p.prod_orchestration.x",
    "Could not serialize access to table p:prod_orchestration.x due to concurrent update",
  ])("re-issues a write aborted for a concurrent update under a new requestId (it was rolled back): %s", async (message) => {
    fake.enqueue(
      errorResponse(400, "invalidQuery", message),
      errorResponse(503, "backendError"),
      rowsResponse(countsField, [{ row_counts: ["2"] }]),
    );
    await expect(warehouse().transaction([{ sql: "DELETE FROM nba_orchestration.x WHERE TRUE" }])).resolves.toEqual([
      { affectedRows: 2 },
    ]);
    const [first, second, third] = fake.queryCalls().map(bodyOf);
    expect(second!.requestId).toMatch(UUID);
    expect(second!.requestId).not.toBe(first!.requestId);
    expect(second!.query).toBe(first!.query);
    // A 503 may hide a commit: its retry keeps the requestId, so BigQuery would deduplicate it.
    expect(third!.requestId).toBe(second!.requestId);
  });
});

describe("retries", () => {
  const ok = () => rowsResponse([{ name: "x", type: "INTEGER" }], [{ x: 1 }]);

  it.each<[string, ScriptedResponse]>([
    ["HTTP 500 internalError", errorResponse(500, "internalError")],
    ["HTTP 503 backendError", errorResponse(503, "backendError")],
    ["HTTP 502 from a proxy (HTML body)", { status: 502, body: "<html>Bad Gateway</html>" }],
    ["HTTP 504", errorResponse(504, "backendError")],
    ["HTTP 408", errorResponse(408, "timeout_at_proxy")],
    ["HTTP 429", errorResponse(429, "rateLimitExceeded")],
    ["403 rateLimitExceeded", errorResponse(403, "rateLimitExceeded", "Exceeded rate limits: too many api requests")],
    ["a dropped connection", { hangUp: true }],
  ])("retries %s once, with the same requestId, after a ≥ 1 s back-off", async (_name, failureResponse) => {
    fake.enqueue(failureResponse, ok());
    await expect(warehouse().query("SELECT 1 AS x")).resolves.toEqual([{ x: 1 }]);
    const calls = fake.queryCalls().map(bodyOf);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.requestId).toBe(calls[0]!.requestId);
    expect(calls[1]).toEqual(calls[0]);
    expect(sleeps).toEqual([1500]); // 1 s base + 0.5 × 1 s jitter
  });

  it.each<[string, number, string, string]>([
    ["invalidQuery", 400, "invalidQuery", "The warehouse rejected the query as invalid"],
    ["accessDenied", 403, "accessDenied", "The warehouse denied access; check the service account's permissions"],
    ["403 quotaExceeded", 403, "quotaExceeded", "A warehouse quota was exceeded; try again later"],
    ["notFound", 404, "notFound", "A table or dataset the query needs was not found"],
    ["duplicate", 409, "duplicate", "The warehouse reported a duplicate"],
    ["responseTooLarge", 403, "responseTooLarge", "The query result is too large"],
    ["bytesBilledLimitExceeded", 400, "bytesBilledLimitExceeded", "The query would scan more data than the configured limit allows"],
  ])("never retries %s, and says so safely", async (_name, status, reason, message) => {
    const secret = "Unrecognized name: secret_column at [3:9] in nba_raw.players WHERE email = 'x@y.z'";
    fake.enqueue(errorResponse(status, reason, secret), ok());
    const error = await failure(
      warehouse().query("SELECT secret_column FROM nba_raw.players WHERE email = @email", {
        params: { email: "x@y.z" },
        types: { email: "STRING" },
      }),
    );
    expect(fake.queryCalls()).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(error.message).toBe(message);
    expect(error.message).not.toMatch(/secret_column|players|x@y\.z|SELECT/);
    expect(error.detail).toMatchObject({ reason, status });
    // BigQuery's own text (which may quote SQL and values) is kept for the logs only.
    expect(error.detail.cause).toMatchObject({ message: secret, attempts: 1 });
  });

  it("makes at most 5 attempts, all with one requestId, waiting 1 s, 2 s, 4 s, 8 s (+ jitter)", async () => {
    fake.setDefault(errorResponse(503, "backendError"));
    const error = await failure(warehouse().execute("INSERT INTO nba_raw.t (x) VALUES (1)"));
    const calls = fake.queryCalls().map(bodyOf);
    expect(calls).toHaveLength(5);
    expect(new Set(calls.map((c) => c.requestId)).size).toBe(1);
    expect(sleeps).toEqual([1500, 2500, 4500, 8500]);
    expect(error.message).toBe("The warehouse had a temporary failure (after 5 attempts)");
    expect(error.detail).toMatchObject({ reason: "backendError", status: 503, cause: { attempts: 5 } });
  });

  it("uses a caller's policy, and the client library adds no retries of its own", async () => {
    fake.setDefault(errorResponse(503, "backendError"));
    await failure(warehouse({ retry: { maxAttempts: 1 } }).query("SELECT 1"));
    expect(fake.requests).toHaveLength(1); // the library would have made 4 by itself

    fake.reset();
    fake.setDefault(errorResponse(429, "rateLimitExceeded"));
    await failure(warehouse({ retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 15 } }).query("SELECT 1"));
    expect(fake.requests).toHaveLength(3);
    expect(sleeps).toEqual([15, 15].map((cap, i) => Math.min(cap, 10 * 2 ** i + 5)));
  });

  it("caps the back-off at maxDelayMs on long retry runs", async () => {
    fake.setDefault(errorResponse(500, "internalError"));
    await failure(warehouse({ retry: { maxAttempts: 8 } }).query("SELECT 1"));
    expect(fake.queryCalls()).toHaveLength(8);
    expect(sleeps).toEqual([1500, 2500, 4500, 8500, 16500, 32000, 32000]);
  });
});

describe("timeouts", () => {
  it("gives up when the answer does not come within the budget, and does not retry", async () => {
    fake.enqueue({ ...rowsResponse([{ name: "x", type: "INTEGER" }], [{ x: 1 }]), delayMs: 1_500 });
    const started = Date.now();
    const error = await failure(warehouse({ timeoutMs: 200 }).query("SELECT 1 AS x"));
    const elapsed = Date.now() - started;
    expect(error.message).toBe("The query did not finish within 200 ms");
    expect(error.detail.reason).toBe("timeout");
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(1_000);
    expect(fake.queryCalls()).toHaveLength(1);
    expect(bodyOf(fake.requests[0])).toMatchObject({ jobTimeoutMs: "200", timeoutMs: 200 });
  });

  it("stops polling an unfinished job once the budget is spent", async () => {
    // Real BigQuery holds each poll open for its timeoutMs; the fake answers after 60 ms.
    fake.setDefault({ ...incompleteResponse("job_forever"), delayMs: 60 });
    const started = Date.now();
    const error = await failure(warehouse({ timeoutMs: 250 }).query("SELECT 1"));
    expect(error.detail.reason).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(1_000);
    const polls = fake.requests.filter((r) => r.method === "GET");
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls.every((r) => r.path.endsWith("/queries/job_forever"))).toBe(true);
    expect(fake.queryCalls()).toHaveLength(1);
  });
});

describe("normalizeValue on the client's wrapper values", () => {
  it("unwraps dates, times, geographies and integers, and keeps STRUCT fields named `value`", () => {
    expect(normalizeValue(BigQuery.date("2024-1-5"))).toBe("2024-01-05");
    expect(normalizeValue(BigQuery.date({ year: 2024, month: 3, day: 9 }))).toBe("2024-03-09");
    expect(normalizeValue(BigQuery.timestamp("2024-01-15T12:34:56.123456789123Z"))).toBe("2024-01-15T12:34:56.123456Z");
    expect(normalizeValue(BigQuery.timestamp(new Date("2024-01-15T12:34:56Z")))).toBe("2024-01-15T12:34:56.000Z");
    expect(normalizeValue(BigQuery.time("10:11:12.5"))).toBe("10:11:12.5");
    expect(normalizeValue(BigQuery.geography("POINT(1 2)"))).toBe("POINT(1 2)");
    expect(normalizeValue(BigQuery.int("42"))).toBe(42);
    expect(normalizeValue({ value: BigQuery.int("-7"), nested: [{ value: null }] })).toEqual({ value: -7, nested: [{ value: null }] });
    expect(normalizeValue(Buffer.from("hello"))).toBe("aGVsbG8=");
    expect(normalizeValue(12n)).toBe(12);
    expect(normalizeValue(undefined)).toBeNull();
  });

  it("refuses integers a number cannot hold exactly", () => {
    expect(() => normalizeValue(BigQuery.int("9007199254740993"))).toThrow(RangeError);
    expect(() => normalizeValue(2n ** 63n - 1n)).toThrow(RangeError);
  });

  it("keeps TIMESTAMP microseconds by string, never rounding; whole milliseconds stay .sssZ", () => {
    expect(timestampToIso("2024-12-31T23:59:59.999999Z")).toBe("2024-12-31T23:59:59.999999Z");
    expect(timestampToIso("2024-12-31T23:59:59.999999000Z")).toBe("2024-12-31T23:59:59.999999Z");
    expect(timestampToIso("2024-12-31T23:59:59.000100000Z")).toBe("2024-12-31T23:59:59.000100Z");
    expect(timestampToIso("2024-12-31T23:59:59.789000000Z")).toBe("2024-12-31T23:59:59.789Z");
    expect(timestampToIso("2024-12-31T23:59:59Z")).toBe("2024-12-31T23:59:59.000Z");
    expect(timestampToIso("2024-12-31T23:59:59.5Z")).toBe("2024-12-31T23:59:59.500Z");
    expect(() => timestampToIso("not a time")).toThrow(RangeError);
  });
});

describe("insert", () => {
  it("sends one DML INSERT … SELECT FROM UNNEST(@rows) with an ARRAY<STRUCT> parameter (never a streaming insert)", async () => {
    fake.enqueue(dmlResponse(2));
    const result = await warehouse().insert(
      "nba_orchestration.reprocess_attempts",
      { entity_id: "STRING", analysis_date: "DATE", attempt_number: "INT64", completeness_pct: "FLOAT64", data_quality_issues: ["STRING"] },
      [
        { entity_id: "lebronjames", analysis_date: "2024-12-15", attempt_number: 1, completeness_pct: 80, data_quality_issues: ["missing_game_2024-12-10"] },
        { entity_id: "O'Neal", analysis_date: "2024-12-15", attempt_number: 2, completeness_pct: null, data_quality_issues: [] },
      ],
    );
    expect(result).toEqual({ affectedRows: 2 });
    expect(fake.requests.some((r) => r.path.includes("insertAll"))).toBe(false);
    const body = bodyOf(fake.queryCalls()[0]);
    expect(body.query).toBe(
      "INSERT INTO prod_orchestration.reprocess_attempts (entity_id, analysis_date, attempt_number, completeness_pct, data_quality_issues) " +
        "SELECT r.entity_id, r.analysis_date, r.attempt_number, r.completeness_pct, r.data_quality_issues FROM UNNEST(@rows) AS r",
    );
    expect(body.queryParameters).toEqual([
      {
        name: "rows",
        parameterType: {
          type: "ARRAY",
          arrayType: {
            type: "STRUCT",
            structTypes: [
              { name: "entity_id", type: { type: "STRING" } },
              { name: "analysis_date", type: { type: "DATE" } },
              { name: "attempt_number", type: { type: "INT64" } },
              { name: "completeness_pct", type: { type: "FLOAT64" } },
              { name: "data_quality_issues", type: { type: "ARRAY", arrayType: { type: "STRING" } } },
            ],
          },
        },
        parameterValue: {
          arrayValues: [
            {
              structValues: {
                entity_id: { value: "lebronjames" },
                analysis_date: { value: "2024-12-15" },
                attempt_number: { value: "1" },
                completeness_pct: { value: "80" },
                data_quality_issues: { arrayValues: [{ value: "missing_game_2024-12-10" }] },
              },
            },
            {
              structValues: {
                entity_id: { value: "O'Neal" },
                analysis_date: { value: "2024-12-15" },
                attempt_number: { value: "2" },
                completeness_pct: { value: null },
                data_quality_issues: { arrayValues: [] },
              },
            },
          ],
        },
      },
    ]);
  });

  it("lowers inserts inside a transaction script with their own parameter names", async () => {
    fake.enqueue(rowsResponse([{ name: "row_counts", type: "INTEGER", mode: "REPEATED" }], [{ row_counts: [1, 1] }]));
    await warehouse().transaction([
      { insert: "nba_orchestration.t", columns: { k: "STRING" }, rows: [{ k: "a" }] },
      { sql: "DELETE FROM nba_orchestration.t WHERE k = @k", params: { k: "b" }, types: { k: "STRING" } },
    ]);
    const body = bodyOf(fake.queryCalls()[0]);
    expect(body.query).toContain("INSERT INTO prod_orchestration.t (k) SELECT r.k FROM UNNEST(@s0_rows) AS r;");
    expect((body.queryParameters as { name: string }[]).map((p) => p.name)).toEqual(["s0_rows", "s1_k"]);
  });
});

describe("transaction guard", () => {
  const countsField = [{ name: "row_counts", type: "INTEGER", mode: "REPEATED" as const }];

  it("checks the guard first inside the transaction and maps its RAISE to GuardFailedError", async () => {
    fake.enqueue(errorResponse(400, "invalidQuery", "cc_guard_failed at [3:1]"));
    const error = await warehouse()
      .transaction([{ sql: "DELETE FROM nba_orchestration.t WHERE k = @k", params: { k: "a" }, types: { k: "STRING" } }], {
        guard: { sql: "SELECT COUNT(*) = @n AS ok FROM nba_orchestration.t", params: { n: 1 }, types: { n: "INT64" } },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(GuardFailedError);
    const body = bodyOf(fake.queryCalls()[0]);
    const query = String(body.query);
    expect(query.indexOf("IF NOT COALESCE((SELECT ok FROM (SELECT COUNT(*) = @g_n AS ok FROM prod_orchestration.t)), FALSE)")).toBeGreaterThan(
      query.indexOf("BEGIN TRANSACTION;"),
    );
    expect(query.indexOf("RAISE USING MESSAGE = 'cc_guard_failed'")).toBeLessThan(query.indexOf("DELETE FROM"));
    expect((body.queryParameters as { name: string }[]).map((p) => p.name).sort()).toEqual(["g_n", "lock_taken_by", "s0_k"]);
    expect(fake.queryCalls()).toHaveLength(1); // invalidQuery: never retried
  });

  it("takes the write lock first, so BigQuery cancels the second of two concurrent guarded writes", async () => {
    fake.enqueue(rowsResponse(countsField, [{ row_counts: ["1"] }]));
    await expect(
      warehouse().transaction([{ sql: "INSERT INTO nba_orchestration.t (k) VALUES ('a')" }], {
        guard: { sql: "SELECT TRUE AS ok" },
        label: "override_breaker",
      }),
    ).resolves.toEqual([{ affectedRows: 1 }]); // the lock's UPDATE is not one of the caller's counts
    const body = bodyOf(fake.queryCalls()[0]);
    const lines = String(body.query).split("\n");
    expect(lines.slice(0, 5)).toEqual([
      "DECLARE _cc_row_counts ARRAY<INT64> DEFAULT [];",
      "BEGIN TRANSACTION;",
      "UPDATE prod_orchestration.console_write_lock SET taken_at = CURRENT_TIMESTAMP(), taken_by = @lock_taken_by WHERE lock_name = 'guarded_writes';",
      "IF @@row_count <> 1 THEN RAISE USING MESSAGE = 'cc_write_lock_missing'; END IF;",
      "IF NOT COALESCE((SELECT ok FROM (SELECT TRUE AS ok)), FALSE) THEN RAISE USING MESSAGE = 'cc_guard_failed'; END IF;",
    ]);
    expect(body.queryParameters).toContainEqual({ name: "lock_taken_by", parameterType: { type: "STRING" }, parameterValue: { value: "override_breaker" } });
  });

  it("refuses to write unlocked: a missing lock row is an error naming the fix, not retried", async () => {
    fake.enqueue(errorResponse(400, "invalidQuery", "Query error: cc_write_lock_missing at [4:1]"));
    const error = await failure(
      warehouse().transaction([{ sql: "INSERT INTO nba_orchestration.t (k) VALUES ('a')" }], { guard: { sql: "SELECT TRUE AS ok" } }),
    );
    expect(error.message).toContain("npm run schema:apply");
    expect(error.detail.reason).toBe("writeLockMissing");
    expect(fake.queryCalls()).toHaveLength(1);
  });

  it("takes no lock without a guard (the processors' runs and plain inserts never wait on it)", async () => {
    fake.enqueue(rowsResponse(countsField, [{ row_counts: ["1"] }]));
    await warehouse().transaction([{ sql: "INSERT INTO nba_orchestration.t (k) VALUES ('a')" }]);
    expect(String(bodyOf(fake.queryCalls()[0]).query)).not.toContain("console_write_lock");
  });
});
