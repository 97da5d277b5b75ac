/**
 * `npm run schema:apply [-- --dry-run]`: bring the configured BigQuery project up to the schema
 * in sql/schema/ — create the console's own tables (breaker_audit_log, api_tokens,
 * console_write_lock and the lock's row, revoked_sessions) and add the columns reprocess_attempts lacks. Options of
 * the pipeline's tables are never changed and its missing tables never created: the plan lists
 * them (planBigQuerySchema). Run it before the first start on BigQuery, and after an upgrade.
 *
 * Exit codes: 0 applied (or planned, with --dry-run) · 1 a statement failed · 2 bad usage or
 * configuration. The embedded database needs none of this: it applies its schema on every open.
 */
import nextEnv from "@next/env";
import { Command, CommanderError } from "commander";

import { ConfigError, getEnv } from "../lib/env";
import { createWarehouse } from "../lib/warehouse";
import { applyBigQuerySchema, statementHeadline, type BigQuerySchemaStep } from "../lib/warehouse/schema-bigquery";

const program = new Command("schema:apply")
  .description("Create the tables and columns the console needs in the configured BigQuery project")
  .option("--dry-run", "show what would run, change nothing")
  .exitOverride();

try {
  program.parse();
} catch (error) {
  process.exit(error instanceof CommanderError && error.exitCode === 0 ? 0 : 2);
}
const { dryRun = false } = program.opts<{ dryRun?: boolean }>();

nextEnv.loadEnvConfig(process.cwd());
let env;
try {
  env = getEnv();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`[schema] ${error.message}`);
  process.exit(2);
}
if (env.WAREHOUSE !== "bigquery") {
  console.log("[schema] WAREHOUSE is embedded: the embedded database applies its schema itself on every open. Nothing to do.");
  process.exit(0);
}

const show = (step: BigQuerySchemaStep) => {
  const verb = step.run ? (dryRun ? "would run" : "ran") : "skipped";
  console.log(`[schema] ${verb.padEnd(9)} ${step.file}: ${statementHeadline(step.statement)}${step.run ? "" : `  (${step.why})`}`);
};

const wh = createWarehouse(env);
try {
  const steps = await applyBigQuerySchema(wh, { dryRun, onStep: show });
  const ran = steps.filter((s) => s.run).length;
  console.log(`[schema] ${dryRun ? "dry run: would run" : "done: ran"} ${ran} statement(s) in project ${env.BIGQUERY_PROJECT}; ${steps.length - ran} skipped`);
  const missing = steps.filter((s) => s.missing).map((s) => s.table);
  if (missing.length) console.log(`[schema] warning: the console reads these tables, which the pipeline has not created: ${missing.join(", ")}`);
} catch (error) {
  console.error(`[schema] ${error instanceof Error ? error.message : String(error)}`);
  console.error("[schema] nothing after that statement ran: fix the cause and run it again");
  process.exitCode = 1;
} finally {
  await wh.close();
}
