/**
 * The one validated configuration module. Nothing else reads `process.env`.
 *
 * `WAREHOUSE` decides which other variables are required: `embedded` (the default) needs
 * nothing; `bigquery` needs at least `BIGQUERY_PROJECT`. A bad value stops start-up with one
 * message naming the variable (see `instrumentation.ts`).
 */
import { z } from "zod";

import { parseConfiguredTokens } from "./auth/token-format";
import { DEFAULT_ALERT_THRESHOLDS } from "./completeness/alerts";
import { parseProcessorSetting, parseReader, parseThreshold, knownNames } from "./completeness/deployment";
import { resolveProcessorName } from "./completeness/processors";
import { parseAllowedHosts } from "./security/allowed-hosts";
import { parseTrustedProxies } from "./security/client-address";

const DEFAULT_MAX_BYTES_BILLED = 1024 ** 3; // 1 GiB: a monitoring query that scans more is a bug.

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const positiveInt = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(fallback));
const datasetName = (fallback: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,1023}$/, "must be a BigQuery dataset name (letters, digits, _)")
      .default(fallback),
  );

/** A value checked by a parser that throws with a message saying what is wrong. */
const parsedBy = (parse: (value: string) => unknown, fallback: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(fallback)
      .superRefine((value, ctx) => {
        try {
          parse(value);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
  );

/** `processor=name,…`: each name must be one the console knows for that processor. */
function parsePipelineNames(value: string): void {
  const { all, each } = parseProcessorSetting(value, (raw) => raw);
  if (all !== undefined) throw new RangeError("give one name per processor: processor=name,…");
  for (const [processor, name] of Object.entries(each)) {
    const known = knownNames(resolveProcessorName(processor)!);
    if (!known.includes(name as string)) throw new RangeError(`${name} is not a name of ${processor} (known: ${known.join(", ")})`);
  }
}
/** The demo accounts' built-in passwords: printed on the embedded demo's sign-in page. */
export const DEFAULT_DEMO_PASSWORDS = { viewer: "viewer-demo", operator: "operator-demo", admin: "admin-demo" } as const;

const baseSchema = z.object({
  WAREHOUSE: z.preprocess(emptyToUndefined, z.enum(["embedded", "bigquery"]).default("embedded")),
  EMBEDDED_DB_PATH: z.preprocess(emptyToUndefined, z.string().default("data/console.duckdb")),
  BIGQUERY_PROJECT: optionalString,
  BIGQUERY_LOCATION: z.preprocess(emptyToUndefined, z.string().default("US")),
  BIGQUERY_DATASET_RAW: datasetName("nba_raw"),
  BIGQUERY_DATASET_ANALYTICS: datasetName("nba_analytics"),
  BIGQUERY_DATASET_PRECOMPUTE: datasetName("nba_precompute"),
  BIGQUERY_DATASET_PREDICTIONS: datasetName("nba_predictions"),
  BIGQUERY_DATASET_ORCHESTRATION: datasetName("nba_orchestration"),
  BIGQUERY_MAX_BYTES_BILLED: positiveInt(DEFAULT_MAX_BYTES_BILLED),
  BIGQUERY_JOB_TIMEOUT_MS: positiveInt(30_000),
  BIGQUERY_API_ENDPOINT: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  /** How long a monitoring read is reused for the same query and parameters. */
  CACHE_TTL_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(60)),
  /**
   * `on` (the default): signed-in viewers with the same name, role and theme asking for the same
   * overview URL of the same data share one rendering of its HTML (lib/security/page-cache.ts).
   * `off`: Next renders every request.
   */
  RENDER_CACHE: z.preprocess(emptyToUndefined, z.enum(["on", "off"]).default("on")),
  /** The overview's alert thresholds; the defaults are the alert rules' own (lib/completeness/alerts.ts). */
  ALERT_CRITICAL_ACTIVE_BREAKERS: positiveInt(DEFAULT_ALERT_THRESHOLDS.criticalActiveBreakers),
  ALERT_WARNING_READY_PCT: z.preprocess(
    emptyToUndefined,
    z.coerce.number().min(0).max(100).default(DEFAULT_ALERT_THRESHOLDS.warningReadyPct),
  ),
  ALERT_INFO_AVG_COMPLETENESS_PCT: z.preprocess(
    emptyToUndefined,
    z.coerce.number().min(0).max(100).default(DEFAULT_ALERT_THRESHOLDS.infoAvgCompleteness),
  ),
  /**
   * The embedded demo's shape: `console` (the console's own tables, written by its engine) or
   * `original` (the original pipeline's tables, ids and writers). Used by `npm start` and
   * `npm run demo:rebuild` when they build the demo database.
   */
  DEMO_PROFILE: z.preprocess(emptyToUndefined, z.enum(["console", "original"]).optional()),
  /**
   * The processor_name each processor's pipeline writes in reprocess_attempts, when it is not
   * the original's (`ml_feature_store_v2`, `nba_analytics.upcoming_player_game_context`, the
   * bare names for the others): `processor=name,…`, each a name the console knows.
   */
  PIPELINE_PROCESSOR_NAMES: parsedBy(parsePipelineNames, ""),
  /**
   * Which breaker reader each processor runs: `original` (the Python processors' read) or
   * `console` (this console's engine), for all (`original`) or per processor
   * (`*=original,ml_feature_store=console`). `auto` (the default): `console` on the embedded
   * console-profile demo, whose processors are this engine; `original` everywhere else.
   */
  BREAKER_READERS: parsedBy((value) => value.trim() === "auto" || parseProcessorSetting(value, parseReader), "auto"),
  /**
   * The completeness threshold each processor's pipeline applies, in percent: one for all
   * (`90`) or per processor (`*=90,ml_feature_store=70`). The original code used 90 at first
   * and 70 later: set what yours runs, so "ready" and "safe to override" match its decisions.
   */
  PIPELINE_THRESHOLDS: parsedBy((value) => parseProcessorSetting(value, parseThreshold), ""),
  /** Signs session cookies. `npm start` generates and keeps one for the embedded demo if unset. */
  NEXTAUTH_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  NEXTAUTH_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  /** Demo sign-in (viewer / operator / admin): on by default with the embedded warehouse only. */
  AUTH_DEMO_ACCOUNTS: z.preprocess(emptyToUndefined, z.enum(["auto", "true", "false"]).default("auto")),
  DEMO_PASSWORD_VIEWER: z.preprocess(emptyToUndefined, z.string().min(8).default(DEFAULT_DEMO_PASSWORDS.viewer)),
  DEMO_PASSWORD_OPERATOR: z.preprocess(emptyToUndefined, z.string().min(8).default(DEFAULT_DEMO_PASSWORDS.operator)),
  DEMO_PASSWORD_ADMIN: z.preprocess(emptyToUndefined, z.string().min(8).default(DEFAULT_DEMO_PASSWORDS.admin)),
  /** Google sign-in (OIDC) for production. */
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  /** Comma-separated e-mail domains allowed to sign in with Google, e.g. `nba-props.example`. */
  AUTH_ALLOWED_DOMAINS: z.preprocess(emptyToUndefined, z.string().default("")),
  /**
   * E-mail or domain → role, comma-separated: `lead@x.example=admin,oncall@x.example=operator,x.example=viewer`.
   * An exact e-mail wins over its domain; anyone allowed in but not listed is a viewer.
   */
  AUTH_ROLES: z.preprocess(emptyToUndefined, z.string().default("")),
  /**
   * Bearer token Prometheus sends to scrape GET /metrics. Unset: the embedded console serves
   * /metrics to loopback requests only, and a BigQuery console refuses every scrape.
   */
  METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(24, "must be at least 24 characters").optional()),
  /**
   * Which entries of X-Forwarded-For to believe (lib/security/client-address.ts): `0` (the
   * default) none — the client is the socket's address; `N` — N proxies in front append the
   * address they saw; or CIDRs of trusted proxies, `10.0.0.0/8,::1/128`.
   */
  TRUSTED_PROXIES: parsedBy(parseTrustedProxies, "0"),
  /**
   * Host names (with an optional port) the console answers to besides NEXTAUTH_URL's, comma-
   * separated: `console.internal,10.0.0.5:3000`. Other Host headers are refused (DNS rebinding).
   */
  ALLOWED_HOSTS: parsedBy(parseAllowedHosts, ""),
  /**
   * API tokens kept in configuration, as hashes only: `name:role:sha256,…` (`parseConfiguredTokens`).
   * For the first admin token; further tokens are created and revoked in the api_tokens table.
   * `npx completeness tokens hash --name N --role R` prints a new token and its entry.
   */
  API_TOKENS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default("")
      .superRefine((value, ctx) => {
        try {
          parseConfiguredTokens(value);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
  ),
});

export type AppEnv = z.infer<typeof baseSchema>;

/** The logical dataset names used in `sql/`; the BigQuery adapter maps them to configured ones. */
export const LOGICAL_DATASETS = [
  "nba_raw",
  "nba_analytics",
  "nba_precompute",
  "nba_predictions",
  "nba_orchestration",
] as const;
export type LogicalDataset = (typeof LOGICAL_DATASETS)[number];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Configuration error: ${variable} ${detail}`);
    this.name = "ConfigError";
  }
}

/** Parse a set of variables. Pure, so tests pass their own object. */
export function parseEnv(source: Record<string, string | undefined>): AppEnv {
  const parsed = baseSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    throw new ConfigError(variable, `is invalid: ${issue.message} (got ${JSON.stringify(source[variable] ?? null)})`);
  }
  const env = parsed.data;
  if (env.WAREHOUSE === "bigquery" && !env.BIGQUERY_PROJECT) {
    throw new ConfigError("BIGQUERY_PROJECT", "is required when WAREHOUSE=bigquery");
  }
  if (env.WAREHOUSE === "bigquery" && !env.NEXTAUTH_SECRET) {
    throw new ConfigError("NEXTAUTH_SECRET", "is required when WAREHOUSE=bigquery (sessions must survive restarts and be shared by replicas)");
  }
  if (Boolean(env.GOOGLE_CLIENT_ID) !== Boolean(env.GOOGLE_CLIENT_SECRET)) {
    throw new ConfigError(env.GOOGLE_CLIENT_ID ? "GOOGLE_CLIENT_SECRET" : "GOOGLE_CLIENT_ID", "is required with the other Google sign-in variable");
  }
  if (env.GOOGLE_CLIENT_ID && !env.AUTH_ALLOWED_DOMAINS.trim()) {
    throw new ConfigError("AUTH_ALLOWED_DOMAINS", "is required with Google sign-in (otherwise any Google account could sign in)");
  }
  if (env.WAREHOUSE === "bigquery" && !env.GOOGLE_CLIENT_ID && !demoAccountsEnabled(env)) {
    throw new ConfigError("GOOGLE_CLIENT_ID", "is required when WAREHOUSE=bigquery: nobody could sign in (demo accounts are off there)");
  }
  if (env.WAREHOUSE === "bigquery" && demoAccountsEnabled(env)) {
    // The built-in passwords are printed in the README and on every demo's sign-in page.
    const variables = { viewer: "DEMO_PASSWORD_VIEWER", operator: "DEMO_PASSWORD_OPERATOR", admin: "DEMO_PASSWORD_ADMIN" } as const;
    for (const role of ["viewer", "operator", "admin"] as const) {
      const variable = variables[role];
      if (env[variable] === DEFAULT_DEMO_PASSWORDS[role]) {
        throw new ConfigError(variable, "must be set to a password of your own when demo accounts are on with BigQuery (the built-in one is public)");
      }
    }
  }
  return env;
}

/** Demo accounts: on with the embedded warehouse unless turned off; with BigQuery only when explicitly enabled. */
export function demoAccountsEnabled(env: AppEnv): boolean {
  if (env.AUTH_DEMO_ACCOUNTS === "auto") return env.WAREHOUSE === "embedded";
  return env.AUTH_DEMO_ACCOUNTS === "true";
}

export function datasetMap(env: AppEnv): Record<LogicalDataset, string> {
  return {
    nba_raw: env.BIGQUERY_DATASET_RAW,
    nba_analytics: env.BIGQUERY_DATASET_ANALYTICS,
    nba_precompute: env.BIGQUERY_DATASET_PRECOMPUTE,
    nba_predictions: env.BIGQUERY_DATASET_PREDICTIONS,
    nba_orchestration: env.BIGQUERY_DATASET_ORCHESTRATION,
  };
}

let cached: AppEnv | undefined;

/** The process configuration, parsed once. Throws `ConfigError` naming the bad variable. */
export function getEnv(): AppEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
