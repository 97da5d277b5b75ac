/**
 * `npm run schema:apply`: bringing a BigQuery project up to sql/schema/ without changing what the
 * pipeline already owns. Against the BigQuery REST fake, through the real adapter and client,
 * and once end to end through the script.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  BigQueryFake,
  errorResponse,
  jobLabel,
  queryBody,
  rowsResponse,
  type RecordedRequest,
  type ScriptedResponse,
} from "@/test/support/bigquery-fake";

import { createBigQueryWarehouse } from "./bigquery";
import { loadSchemaFiles, missingSchema } from "./schema";
import { CONSOLE_TABLES, applyBigQuerySchema } from "./schema-bigquery";

const fake = new BigQueryFake();
const DATASETS = { nba_orchestration: "ops_orch", nba_raw: "raw_prod" };

/**
 * What a run against the original's project sends: per console table its CREATE IF NOT EXISTS,
 * option and added-column statements (api_tokens 3, audit log 5, check_outcomes 2,
 * completeness_checks 3, the lock 3 with its row, revoked_sessions 3), and the 8 columns the
 * console adds to reprocess_attempts.
 */
const STATEMENTS_RUN = 27;
/** What a project running the original has: every upstream and output table, and reprocess_attempts. */
const ORIGINAL_TABLES = loadSchemaFiles()
  .map((f) => f.file.slice(0, -".sql".length))
  .filter((t) => !CONSOLE_TABLES.has(t));

function physical(table: string): string {
  const [dataset, name] = table.split(".") as [string, string];
  return `${DATASETS[dataset as keyof typeof DATASETS] ?? dataset}.${name}`;
}

/**
 * Answers each dataset's INFORMATION_SCHEMA.TABLES from `tables` (logical names), a dataset in
 * `missingDatasets` with notFound, and a schema statement with `fail(query)` when it says so.
 */
function answerTables(tables: readonly string[], missingDatasets: readonly string[] = [], fail: (query: string) => ScriptedResponse | undefined = () => undefined) {
  fake.respond((r: RecordedRequest) => {
    if (jobLabel(r) === "schema_apply") return fail(String(queryBody(r).query));
    if (jobLabel(r) !== "schema_tables") return undefined;
    const dataset = /FROM (\w+)\.INFORMATION_SCHEMA\.TABLES/.exec(String(queryBody(r).query))![1]!;
    if (missingDatasets.includes(dataset)) return errorResponse(404, "notFound", `Not found: Dataset fault-project:${dataset}`);
    const names = tables.map(physical).filter((t) => t.startsWith(`${dataset}.`)).map((t) => ({ table_name: t.split(".")[1]! }));
    return rowsResponse([{ name: "table_name", type: "STRING" }], names);
  });
}

function warehouse() {
  return createBigQueryWarehouse(fake.warehouseOptions({ projectId: "fault-project", datasets: DATASETS, retry: { maxAttempts: 1 } }));
}

const applied = () => fake.queryCalls("schema_apply").map((r) => String(queryBody(r).query));

beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

/** The statements that only ever create or add what is missing, or set the console's own options. */
const IDEMPOTENT = /CREATE TABLE IF NOT EXISTS|ADD COLUMN IF NOT EXISTS|WHERE NOT EXISTS|ALTER TABLE ops_orch\.(api_tokens|breaker_audit_log|check_outcomes|completeness_checks|console_write_lock|revoked_sessions) SET OPTIONS/;
const codeOf = (q: string) => q.replace(/--.*$/gm, "").trim(); // comments keep the logical names

describe("applying the schema to a project that runs the original", () => {
  it("creates the console's six tables and the lock's row, adds the console's columns to its tables and reprocess_attempts, and changes nothing else", async () => {
    answerTables(ORIGINAL_TABLES);
    const steps = await applyBigQuerySchema(warehouse());

    const sent = applied().map(codeOf);
    const creates = sent.filter((q) => /CREATE TABLE/.test(q)).map((q) => /CREATE TABLE IF NOT EXISTS (\S+)/.exec(q)![1]);
    expect(creates).toEqual([...CONSOLE_TABLES].map((t) => t.replace("nba_orchestration.", "ops_orch.")));
    expect(sent.filter((q) => q.startsWith("INSERT INTO ops_orch.console_write_lock"))).toHaveLength(1);
    const added = sent.filter((q) => /ADD COLUMN/.test(q)).map((q) => /ALTER TABLE (\S+) ADD COLUMN IF NOT EXISTS (\w+)/.exec(q)!.slice(1).join(" "));
    expect(added).toEqual([
      "ops_orch.api_tokens processor",
      "ops_orch.breaker_audit_log request_fingerprint",
      "ops_orch.breaker_audit_log removed_rows_json",
      "ops_orch.breaker_audit_log restores_audit_id",
      ...["event_type", "actor", "actor_role", "reason_code", "request_id", "override_expires_at", "rows_removed", "batch_id"].map((c) => `ops_orch.reprocess_attempts ${c}`),
    ]);
    // The pipeline's own options are never touched: no expiry, no partition-filter requirement.
    // Only the console's sign-outs (2 days: a row is moot once its session has ended) and the
    // check service's answers (31 days: outcomes are reported minutes later) expire.
    expect(sent.filter((q) => !/ops_orch\.(revoked_sessions|completeness_checks)/.test(q)).join("\n")).not.toMatch(/partition_expiration_days|require_partition_filter/);
    expect(sent.filter((q) => /^ALTER TABLE ops_orch.revoked_sessions SET OPTIONS \(partition_expiration_days = 2\)/.test(q))).toHaveLength(1);
    expect(sent.filter((q) => /^ALTER TABLE ops_orch.completeness_checks SET OPTIONS \(partition_expiration_days = 31\)/.test(q))).toHaveLength(1);
    expect(sent.filter((q) => /SET OPTIONS \(description/.test(q))).toHaveLength(CONSOLE_TABLES.size); // the console tables' descriptions
    expect(sent.length).toBe(steps.filter((s) => s.run).length);
    expect(sent).toHaveLength(STATEMENTS_RUN);
    expect(steps.filter((s) => !s.run).map((s) => s.why)).toContain("exists: its options are left as they are");
    expect(steps.some((s) => s.missing)).toBe(false);
    // Logical dataset names become the configured ones, including in the existence checks.
    expect(sent.join("\n")).not.toContain("nba_orchestration.");
    expect(fake.queryCalls("schema_tables").map((r) => String(queryBody(r).query))).toContain("SELECT table_name FROM ops_orch.INFORMATION_SCHEMA.TABLES");
  });

  it("a second run repeats only idempotent statements", async () => {
    answerTables(loadSchemaFiles().map((f) => f.file.slice(0, -".sql".length)));
    await applyBigQuerySchema(warehouse());
    const sent = applied().map(codeOf);
    expect(sent).toHaveLength(STATEMENTS_RUN);
    for (const q of sent) expect(q).toMatch(IDEMPOTENT);
  });

  it("on a fresh project: creates reprocess_attempts whole (no IF NOT EXISTS), and reports the pipeline's missing tables without creating them", async () => {
    answerTables([], ["raw_prod"]);
    const steps = await applyBigQuerySchema(warehouse());
    const sent = applied().map(codeOf);
    expect(sent.some((q) => q.startsWith("CREATE TABLE ops_orch.reprocess_attempts ("))).toBe(true);
    expect(sent.filter((q) => /partition_expiration_days = 365/.test(q))).toHaveLength(1); // a new table gets its options
    expect(sent.filter((q) => /raw_prod\.|nba_analytics\.|nba_precompute\.|nba_predictions\./.test(q))).toEqual([]);
    const pipeline = ORIGINAL_TABLES.filter((t) => !t.startsWith("nba_orchestration."));
    expect(steps.filter((s) => s.missing).map((s) => s.table).sort()).toEqual([...pipeline].sort());
  });

  it("--dry-run sends only the existence checks", async () => {
    answerTables(ORIGINAL_TABLES);
    const steps = await applyBigQuerySchema(warehouse(), { dryRun: true });
    expect(applied()).toEqual([]);
    expect(fake.queryCalls()).toHaveLength(5); // one INFORMATION_SCHEMA read per dataset
    expect(steps.filter((s) => s.run)).toHaveLength(STATEMENTS_RUN);
  });

  it("stops at the first failing statement, naming its file, and runs nothing after it", async () => {
    answerTables(ORIGINAL_TABLES, [], (query) =>
      /CREATE TABLE IF NOT EXISTS ops_orch\.breaker_audit_log/.test(query) ? errorResponse(403, "accessDenied", "Access Denied: Dataset fault-project:ops_orch") : undefined,
    );
    const error = await applyBigQuerySchema(warehouse()).catch((e: unknown) => e);
    expect(String(error)).toContain("nba_orchestration.breaker_audit_log.sql: CREATE TABLE IF NOT EXISTS nba_orchestration.breaker_audit_log (");
    expect(String(error)).toContain("The warehouse denied access");
    expect(applied().some((q) => /console_write_lock/.test(q))).toBe(false);
  });

  it("after creating reprocess_attempts, a failure lists that table's remaining statements to run by hand", async () => {
    answerTables(ORIGINAL_TABLES.filter((t) => t !== "nba_orchestration.reprocess_attempts"), [], (query) =>
      /reprocess_attempts SET OPTIONS \(partition_expiration_days/.test(query) ? errorResponse(403, "accessDenied", "Access Denied: Table fault-project:ops_orch.reprocess_attempts") : undefined,
    );
    const error = String(await applyBigQuerySchema(warehouse()).catch((e: unknown) => e));
    expect(error).toContain("nba_orchestration.reprocess_attempts was created by this run");
    expect(error).toContain("  ALTER TABLE nba_orchestration.reprocess_attempts SET OPTIONS (partition_expiration_days = 365)");
    expect(error).toContain("  ALTER TABLE nba_orchestration.reprocess_attempts ADD COLUMN IF NOT EXISTS batch_id STRING");
  });
});

describe("npm run schema:apply", () => {
  const run = (args: string[], env: Record<string, string>) =>
    promisify(execFile)("npx", ["tsx", "--conditions=react-server", "scripts/schema.mts", ...args], {
      env: { ...process.env, ...env },
      cwd: process.cwd(),
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  const bigQueryEnv = () => ({
    WAREHOUSE: "bigquery",
    BIGQUERY_PROJECT: "fault-project",
    BIGQUERY_API_ENDPOINT: fake.url,
    BIGQUERY_DATASET_ORCHESTRATION: "ops_orch",
    BIGQUERY_DATASET_RAW: "raw_prod",
    NEXTAUTH_SECRET: "x".repeat(32),
    GOOGLE_CLIENT_ID: "id",
    GOOGLE_CLIENT_SECRET: "secret",
    AUTH_ALLOWED_DOMAINS: "example.com",
  });

  it("--dry-run prints the plan against the configured project and changes nothing", async () => {
    answerTables(ORIGINAL_TABLES);
    const { code, stdout } = await run(["--dry-run"], bigQueryEnv());
    expect(code).toBe(0);
    expect(stdout).toContain("would run nba_orchestration.console_write_lock.sql: CREATE TABLE IF NOT EXISTS nba_orchestration.console_write_lock (");
    expect(stdout).toMatch(/skipped\s+nba_orchestration\.reprocess_attempts\.sql: ALTER TABLE nba_orchestration\.reprocess_attempts SET OPTIONS \(partition_expiration_days = 365\);?\s+\(exists: its options are left as they are\)/);
    expect(stdout).toMatch(/dry run: would run 27 statement\(s\) in project fault-project; \d+ skipped/);
    expect(stdout).not.toContain("warning");
    expect(applied()).toEqual([]);
  }, 60_000);

  it("exits 2 naming a missing variable, before any request", async () => {
    const { code, stderr } = await run([], { ...bigQueryEnv(), BIGQUERY_PROJECT: "" });
    expect(code).toBe(2);
    expect(stderr).toContain("BIGQUERY_PROJECT");
    expect(fake.requests).toHaveLength(0);
  }, 60_000);
});

describe("what the console needs, on BigQuery", () => {
  it("reads each dataset's INFORMATION_SCHEMA.COLUMNS under its configured name and names what is missing", async () => {
    const needed = new Map([
      ["nba_orchestration.reprocess_attempts", ["processor_name", "event_type"]],
      ["nba_raw.nbac_schedule", ["game_id", "game_status"]],
      ["nba_precompute.player_daily_cache", ["player_lookup"]],
    ]);
    fake.respond((r: RecordedRequest) => {
      if (jobLabel(r) !== "schema_columns") return undefined;
      const dataset = /FROM (\w+)\.INFORMATION_SCHEMA\.COLUMNS/.exec(String(queryBody(r).query))![1]!;
      if (dataset === "nba_precompute") return errorResponse(404, "notFound", `Not found: Dataset fault-project:${dataset}`);
      const rows =
        dataset === "ops_orch"
          ? [{ table_name: "reprocess_attempts", column_name: "processor_name" }]
          : dataset === "raw_prod"
            ? [{ table_name: "nbac_schedule", column_name: "game_id" }, { table_name: "nbac_schedule", column_name: "game_status" }]
            : [];
      return rowsResponse([{ name: "table_name", type: "STRING" }, { name: "column_name", type: "STRING" }], rows);
    });
    expect(await missingSchema(warehouse(), needed)).toEqual({
      tables: ["nba_precompute.player_daily_cache"],
      columns: ["nba_orchestration.reprocess_attempts.event_type"],
    });
    const queried = fake.queryCalls("schema_columns").map((r) => /FROM (\w+)\./.exec(String(queryBody(r).query))![1]).sort();
    expect(queried).toEqual(["nba_precompute", "ops_orch", "raw_prod"]);
  });
});
