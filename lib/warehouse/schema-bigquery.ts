import "server-only";

import { describeStatement, onlyAddsColumns, strictCreate } from "./ddl";
import { loadSchemaFiles } from "./schema";
import { splitSql } from "./sql-text";
import { WarehouseError, type Warehouse } from "./types";
import { WRITE_LOCK_SEED } from "./write-lock";

/**
 * Applying the schema to a BigQuery project (`npm run schema:apply`): which statements run,
 * given the tables the project already has and who owns each table.
 */

/** One statement of the schema, and whether applying it to a BigQuery project runs it. */
export interface BigQuerySchemaStep {
  file: string;
  /** `dataset.table`, logical names. */
  table: string;
  statement: string;
  run: boolean;
  why: string;
  /** A table the console reads that does not exist, and that this tool does not create. */
  missing?: true;
}

/** The console's own tables: `schema:apply` creates them and sets their options, every run. */
export const CONSOLE_TABLES: ReadonlySet<string> = new Set([
  "nba_orchestration.api_tokens",
  "nba_orchestration.breaker_audit_log",
  "nba_orchestration.check_outcomes",
  "nba_orchestration.completeness_checks",
  "nba_orchestration.console_write_lock",
  "nba_orchestration.revoked_sessions",
]);

/**
 * Who owns a table: the console; the pipeline and the console together (the other
 * `nba_orchestration` tables: `reprocess_attempts`, which the processors write and the console
 * extends); or the pipeline alone (every other dataset: the console only reads them, and its DDL
 * for them declares only the columns it reads).
 */
function ownerOf(table: string): "console" | "shared" | "pipeline" {
  if (CONSOLE_TABLES.has(table)) return "console";
  return table.startsWith("nba_orchestration.") ? "shared" : "pipeline";
}

/**
 * What bringing a BigQuery project up to the schema changes, given the tables it already has:
 *
 * - the console's own tables: every statement, every run (`IF NOT EXISTS`, and options that are
 *   the console's to set), then the write lock's row (WRITE_LOCK_SEED);
 * - a shared table that is missing: its whole file, the CREATE without `IF NOT EXISTS`, so a
 *   table the pipeline created in the meantime stops the run before its options are set;
 * - a shared table that exists: only the columns it lacks (`ADD COLUMN IF NOT EXISTS`, the
 *   console's columns on the original's `reprocess_attempts`) — its options (partition expiry,
 *   description) are the pipeline's, left as they are and listed as skipped;
 * - a pipeline table: never touched; a missing one is reported (`missing`), not created from
 *   the console's partial DDL.
 */
export function planBigQuerySchema(existingTables: ReadonlySet<string>, files = loadSchemaFiles()): BigQuerySchemaStep[] {
  return files.flatMap(({ file, statements }) => {
    const table = file.slice(0, -".sql".length);
    const exists = existingTables.has(table);
    const owner = ownerOf(table);
    const steps = statements.map((statement): BigQuerySchemaStep => {
      const create = describeStatement(statement).kind === "create_table";
      if (owner === "console") return { file, table, statement, run: true, why: "the console's own table" };
      if (owner === "pipeline") {
        return exists
          ? { file, table, statement, run: false, why: "exists: the pipeline's table" }
          : { file, table, statement, run: false, why: "missing: the pipeline's table, not created here", ...(create ? { missing: true as const } : {}) };
      }
      if (!exists) return { file, table, statement: create ? strictCreate(statement) : statement, run: true, why: "new table" };
      if (onlyAddsColumns(statement)) return { file, table, statement, run: true, why: "adds the columns it lacks" };
      return { file, table, statement, run: false, why: create ? "exists" : "exists: its options are left as they are" };
    });
    if (table === "nba_orchestration.console_write_lock") {
      steps.push({ file, table, statement: WRITE_LOCK_SEED, run: true, why: "the lock's row, inserted when missing" });
    }
    return steps;
  });
}

/** The first line of a statement's code, comments left out: how steps are shown. */
export function statementHeadline(statement: string): string {
  const code = splitSql(statement)
    .filter((s) => s.kind !== "comment")
    .map((s) => s.text)
    .join("");
  return code.trim().split("\n")[0]!.trim();
}

/**
 * Apply the schema to a BigQuery warehouse (`planBigQuerySchema` on the tables each dataset
 * holds now), or with `dryRun` only report the plan. Steps run in the schema's order, each its
 * own job; the first failure stops it, naming the file. Every step the next run would plan again
 * is idempotent, so a fixed cause and a new run complete it — except the rest of a shared table
 * this run created (the next run finds it existing): the error lists those statements.
 */
export async function applyBigQuerySchema(
  wh: Warehouse,
  opts: { dryRun?: boolean; onStep?: (step: BigQuerySchemaStep) => void } = {},
): Promise<BigQuerySchemaStep[]> {
  if (wh.kind !== "bigquery") throw new Error("applyBigQuerySchema: the embedded database applies its schema itself, on every open");
  const files = loadSchemaFiles();
  const datasets = [...new Set(files.map((f) => f.file.split(".")[0]!))];
  const existing = new Set<string>();
  for (const dataset of datasets) {
    try {
      const rows = await wh.query<{ table_name: string }>(`SELECT table_name FROM ${dataset}.INFORMATION_SCHEMA.TABLES`, { label: "schema_tables" });
      for (const r of rows) existing.add(`${dataset}.${r.table_name}`);
    } catch (error) {
      // A dataset that does not exist has no tables; its CREATE TABLEs then say what is missing.
      if (!(error instanceof WarehouseError && error.detail.reason === "notFound")) throw error;
    }
  }
  const steps = planBigQuerySchema(existing, files);
  const created = new Set<string>();
  for (const [i, step] of steps.entries()) {
    if (step.run && !opts.dryRun) {
      try {
        await wh.execute(step.statement, { label: "schema_apply" });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const rest = created.has(step.table) ? steps.slice(i).filter((s) => s.table === step.table && s.run) : [];
        const byHand = rest.length
          ? `\n${step.table} was created by this run, so the next run leaves it alone: run these by hand once fixed:\n${rest.map((s) => `  ${statementHeadline(s.statement)}`).join("\n")}`
          : "";
        throw new Error(`${step.file}: ${statementHeadline(step.statement)} — ${message}${byHand}`, { cause: error });
      }
      if (describeStatement(step.statement).kind === "create_table" && ownerOf(step.table) === "shared") created.add(step.table);
    }
    opts.onStep?.(step);
  }
  return steps;
}
