import { describe, expect, it } from "vitest";

import { ConfigError, datasetMap, demoAccountsEnabled, parseEnv } from "./env";

describe("parseEnv", () => {
  it("defaults to the embedded warehouse with nothing set", () => {
    const env = parseEnv({});
    expect(env.WAREHOUSE).toBe("embedded");
    expect(env.EMBEDDED_DB_PATH).toBe("data/console.duckdb");
    expect(env.BIGQUERY_MAX_BYTES_BILLED).toBe(1024 ** 3);
    expect(env.BIGQUERY_JOB_TIMEOUT_MS).toBe(30_000);
  });

  it("treats empty strings as unset (as .env.example leaves them)", () => {
    expect(parseEnv({ WAREHOUSE: "", BIGQUERY_API_ENDPOINT: "", BIGQUERY_PROJECT: "" }).WAREHOUSE).toBe("embedded");
  });

  it("names the variable when WAREHOUSE has an unknown value", () => {
    expect(() => parseEnv({ WAREHOUSE: "postgres" })).toThrow(ConfigError);
    expect(() => parseEnv({ WAREHOUSE: "postgres" })).toThrow(/WAREHOUSE is invalid.*"postgres"/);
  });

  it("requires BIGQUERY_PROJECT for the bigquery warehouse only", () => {
    expect(() => parseEnv({ WAREHOUSE: "bigquery" })).toThrow(/BIGQUERY_PROJECT is required when WAREHOUSE=bigquery/);
    const production = {
      WAREHOUSE: "bigquery",
      BIGQUERY_PROJECT: "nba-props-platform",
      NEXTAUTH_SECRET: "x".repeat(32),
      GOOGLE_CLIENT_ID: "id",
      GOOGLE_CLIENT_SECRET: "secret",
      AUTH_ALLOWED_DOMAINS: "nba-props.example",
    };
    expect(parseEnv(production).BIGQUERY_PROJECT).toBe("nba-props-platform");
  });

  it("turns the render cache on unless RENDER_CACHE=off, and names a bad value", () => {
    expect(parseEnv({}).RENDER_CACHE).toBe("on");
    expect(parseEnv({ RENDER_CACHE: "" }).RENDER_CACHE).toBe("on");
    expect(parseEnv({ RENDER_CACHE: "off" }).RENDER_CACHE).toBe("off");
    expect(() => parseEnv({ RENDER_CACHE: "false" })).toThrow(/RENDER_CACHE is invalid/);
  });

  it("rejects a non-numeric or negative bytes limit, naming it", () => {
    expect(() => parseEnv({ BIGQUERY_MAX_BYTES_BILLED: "lots" })).toThrow(/BIGQUERY_MAX_BYTES_BILLED is invalid/);
    expect(() => parseEnv({ BIGQUERY_JOB_TIMEOUT_MS: "-5" })).toThrow(/BIGQUERY_JOB_TIMEOUT_MS is invalid/);
  });

  it("rejects an endpoint that is not a URL and a dataset name BigQuery would refuse", () => {
    expect(() => parseEnv({ BIGQUERY_API_ENDPOINT: "localhost:9050" })).toThrow(/BIGQUERY_API_ENDPOINT is invalid/);
    expect(() => parseEnv({ BIGQUERY_DATASET_RAW: "nba-raw; DROP" })).toThrow(/BIGQUERY_DATASET_RAW is invalid/);
  });

  it("refuses a BigQuery deployment nobody could sign in to, or anyone could", () => {
    const base = { WAREHOUSE: "bigquery", BIGQUERY_PROJECT: "p", NEXTAUTH_SECRET: "x".repeat(32) };
    expect(() => parseEnv({ ...base, WAREHOUSE: "bigquery", NEXTAUTH_SECRET: "" })).toThrow(/NEXTAUTH_SECRET is required/);
    expect(() => parseEnv(base)).toThrow(/GOOGLE_CLIENT_ID is required when WAREHOUSE=bigquery/);
    expect(() => parseEnv({ ...base, GOOGLE_CLIENT_ID: "id" })).toThrow(/GOOGLE_CLIENT_SECRET is required/);
    expect(() => parseEnv({ ...base, GOOGLE_CLIENT_ID: "id", GOOGLE_CLIENT_SECRET: "s" })).toThrow(/AUTH_ALLOWED_DOMAINS is required/);
    // Demo accounts on BigQuery only when explicitly enabled.
    const ownPasswords = { DEMO_PASSWORD_VIEWER: "viewer-own-1", DEMO_PASSWORD_OPERATOR: "operator-own-1", DEMO_PASSWORD_ADMIN: "admin-own-1" };
    expect(demoAccountsEnabled(parseEnv({ ...base, ...ownPasswords, AUTH_DEMO_ACCOUNTS: "true" }))).toBe(true);
    expect(demoAccountsEnabled(parseEnv({}))).toBe(true);
    expect(demoAccountsEnabled(parseEnv({ AUTH_DEMO_ACCOUNTS: "false" }))).toBe(false);
  });

  it("maps logical datasets to configured names", () => {
    const map = datasetMap(parseEnv({ BIGQUERY_DATASET_RAW: "staging_raw" }));
    expect(map.nba_raw).toBe("staging_raw");
    expect(map.nba_orchestration).toBe("nba_orchestration");
  });
});

describe("pipeline settings", () => {
  it("accepts the pipeline's names, readers and thresholds, and names the variable when one is wrong", () => {
    const env = parseEnv({ PIPELINE_PROCESSOR_NAMES: "ml_feature_store=ml_feature_store_v2", BREAKER_READERS: "*=original,ml_feature_store=console", PIPELINE_THRESHOLDS: "70" });
    expect(env.BREAKER_READERS).toContain("console");
    expect(() => parseEnv({ PIPELINE_PROCESSOR_NAMES: "ml_feature_store=mlfs" })).toThrow(/PIPELINE_PROCESSOR_NAMES .*mlfs is not a name of ml_feature_store/);
    expect(() => parseEnv({ BREAKER_READERS: "python" })).toThrow(/BREAKER_READERS/);
    expect(() => parseEnv({ PIPELINE_THRESHOLDS: "ml_feature_store=120" })).toThrow(/PIPELINE_THRESHOLDS/);
    expect(() => parseEnv({ DEMO_PROFILE: "legacy" })).toThrow(/DEMO_PROFILE/);
  });
});
