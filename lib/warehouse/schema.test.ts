import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { PROCESSORS } from "@/lib/completeness/processors";

import { describeStatement, SchemaConversionError, toDuckDbStatements } from "./ddl";
import { applyEmbeddedSchema, loadSchemaFiles } from "./schema";
import { splitSql } from "./sql-text";

/** Collapse whitespace, for comparisons that should not depend on layout. */
const squash = (sql: string) => sql.replace(/\s+/g, " ").trim();
/** The code of a statement without comments or literals (what the database parses). */
const codeOf = (sql: string) =>
  splitSql(sql)
    .filter((s) => s.kind === "code")
    .map((s) => s.text)
    .join("");

describe("toDuckDbStatements: CREATE TABLE", () => {
  it("creates the dataset as a schema first, then the table", () => {
    expect(toDuckDbStatements("CREATE TABLE IF NOT EXISTS nba_raw.t (a STRING)").map(squash)).toEqual([
      "CREATE SCHEMA IF NOT EXISTS nba_raw",
      "CREATE TABLE IF NOT EXISTS nba_raw.t (a VARCHAR)",
    ]);
  });

  it.each([
    ["STRING", "VARCHAR"],
    ["INT64", "BIGINT"],
    ["FLOAT64", "DOUBLE"],
    ["BOOL", "BOOLEAN"],
    ["BOOLEAN", "BOOLEAN"],
    ["DATE", "DATE"],
    ["TIMESTAMP", "TIMESTAMPTZ"],
    ["NUMERIC", "DECIMAL(38,9)"],
    ["NUMERIC(5,1)", "DECIMAL(5,1)"],
    ["NUMERIC(10)", "DECIMAL(10,0)"],
    ["NUMERIC( 5 , 1 )", "DECIMAL(5,1)"],
    ["DECIMAL(12,3)", "DECIMAL(12,3)"],
    ["ARRAY<STRING>", "VARCHAR[]"],
    ["ARRAY< INT64 >", "BIGINT[]"],
    ["ARRAY<NUMERIC(5,1)>", "DECIMAL(5,1)[]"],
    ["ARRAY<TIMESTAMP>", "TIMESTAMPTZ[]"],
    ["string", "VARCHAR"],
    ["Int64", "BIGINT"],
  ])("maps %s to %s", (bigQuery, duck) => {
    const [, table] = toDuckDbStatements(`CREATE TABLE IF NOT EXISTS d.t (c ${bigQuery} NOT NULL, z INT64)`);
    expect(squash(table!)).toBe(`CREATE TABLE IF NOT EXISTS d.t (c ${duck} NOT NULL, z BIGINT)`);
  });

  it("converts a type only in the type position, never a column named like one", () => {
    const [, table] = toDuckDbStatements("CREATE TABLE IF NOT EXISTS d.t (date DATE, string STRING, timestamp TIMESTAMP)");
    expect(squash(table!)).toBe("CREATE TABLE IF NOT EXISTS d.t (date DATE, string VARCHAR, timestamp TIMESTAMPTZ)");
  });

  it("rewrites DEFAULT CURRENT_TIMESTAMP() and CURRENT_DATE() to DuckDB's keyword forms", () => {
    const [, table] = toDuckDbStatements(
      "CREATE TABLE IF NOT EXISTS d.t (a TIMESTAMP DEFAULT CURRENT_TIMESTAMP(), b DATE NOT NULL DEFAULT current_date ( ))",
    );
    expect(squash(table!)).toBe(
      "CREATE TABLE IF NOT EXISTS d.t (a TIMESTAMPTZ DEFAULT current_timestamp, b DATE NOT NULL DEFAULT current_date)",
    );
  });

  it("drops PARTITION BY, CLUSTER BY and table OPTIONS", () => {
    const [, table] = toDuckDbStatements(`CREATE TABLE IF NOT EXISTS d.t (a DATE NOT NULL, b STRING)
      PARTITION BY a
      CLUSTER BY b, a
      OPTIONS (partition_expiration_days = 365, description = 'x, y (z)')`);
    expect(squash(table!)).toBe("CREATE TABLE IF NOT EXISTS d.t (a DATE NOT NULL, b VARCHAR)");
  });

  it("drops an expression partition and OPTIONS without clustering", () => {
    const [, a] = toDuckDbStatements("CREATE TABLE IF NOT EXISTS d.t (c TIMESTAMP NOT NULL) PARTITION BY DATE(c) CLUSTER BY c");
    const [, b] = toDuckDbStatements("CREATE TABLE IF NOT EXISTS d.t (c STRING) OPTIONS(description = 'd')");
    const [, c] = toDuckDbStatements("CREATE TABLE IF NOT EXISTS d.t (c TIMESTAMP) PARTITION BY TIMESTAMP_TRUNC(c, MONTH)");
    expect(squash(c!)).toBe("CREATE TABLE IF NOT EXISTS d.t (c TIMESTAMPTZ)");
    expect(squash(a!)).toBe("CREATE TABLE IF NOT EXISTS d.t (c TIMESTAMPTZ NOT NULL)");
    expect(squash(b!)).toBe("CREATE TABLE IF NOT EXISTS d.t (c VARCHAR)");
  });

  it("drops column OPTIONS", () => {
    const [, table] = toDuckDbStatements(
      "CREATE TABLE IF NOT EXISTS d.t (a STRING NOT NULL OPTIONS(description = 'the (a), b'), b INT64 OPTIONS(description='n'))",
    );
    expect(squash(table!)).toBe("CREATE TABLE IF NOT EXISTS d.t (a VARCHAR NOT NULL, b BIGINT)");
  });

  it("keeps CREATE OR REPLACE and a plain CREATE as written", () => {
    expect(squash(toDuckDbStatements("CREATE OR REPLACE TABLE d.t (a INT64)")[1]!)).toBe("CREATE OR REPLACE TABLE d.t (a BIGINT)");
    expect(squash(toDuckDbStatements("create table d.t (a int64)")[1]!)).toBe("create table d.t (a BIGINT)");
  });

  it("tolerates a trailing semicolon", () => {
    expect(toDuckDbStatements("CREATE TABLE IF NOT EXISTS d.t (a STRING);").map(squash)).toEqual([
      "CREATE SCHEMA IF NOT EXISTS d",
      "CREATE TABLE IF NOT EXISTS d.t (a VARCHAR)",
    ]);
  });
});

describe("toDuckDbStatements: ALTER TABLE and CREATE SCHEMA", () => {
  it("returns no statement for ALTER TABLE … SET OPTIONS", () => {
    expect(toDuckDbStatements("ALTER TABLE d.t SET OPTIONS (partition_expiration_days = 365)")).toEqual([]);
    expect(toDuckDbStatements("-- why\nALTER TABLE d.t SET OPTIONS (description = 'a; b, (c)')")).toEqual([]);
    expect(toDuckDbStatements("ALTER TABLE d.t ALTER COLUMN c SET OPTIONS (description = 'x')")).toEqual([]);
  });

  it("keeps ADD COLUMN IF NOT EXISTS, converting the type", () => {
    expect(toDuckDbStatements("ALTER TABLE d.t ADD COLUMN IF NOT EXISTS z TIMESTAMP").map(squash)).toEqual([
      "ALTER TABLE d.t ADD COLUMN IF NOT EXISTS z TIMESTAMPTZ",
    ]);
    expect(toDuckDbStatements("ALTER TABLE d.t ADD COLUMN z ARRAY<STRING> OPTIONS(description='q')").map(squash)).toEqual([
      "ALTER TABLE d.t ADD COLUMN z VARCHAR[]",
    ]);
  });

  it("splits several ADD COLUMN actions into one ALTER each (DuckDB allows one action per ALTER)", () => {
    const out = toDuckDbStatements(
      "ALTER TABLE d.t ADD COLUMN IF NOT EXISTS a NUMERIC(5,1), ADD COLUMN IF NOT EXISTS b STRING, SET OPTIONS (description = 'x')",
    );
    expect(out.map(squash)).toEqual([
      "ALTER TABLE d.t ADD COLUMN IF NOT EXISTS a DECIMAL(5,1)",
      "ALTER TABLE d.t ADD COLUMN IF NOT EXISTS b VARCHAR",
    ]);
  });

  it("keeps CREATE SCHEMA, without its OPTIONS", () => {
    expect(toDuckDbStatements("CREATE SCHEMA IF NOT EXISTS nba_raw OPTIONS (location = 'US')").map(squash)).toEqual([
      "CREATE SCHEMA IF NOT EXISTS nba_raw",
    ]);
  });
});

describe("toDuckDbStatements: strings and comments are never rewritten", () => {
  it("leaves comments byte for byte, even when they contain types, clauses and punctuation", () => {
    const comment = "-- STRING INT64 TIMESTAMP PARTITION BY x OPTIONS( a, b ) CURRENT_TIMESTAMP() ARRAY<STRING>";
    const block = "/* FLOAT64, (NUMERIC(5,1)) ; */";
    const [, table] = toDuckDbStatements(`${comment}
CREATE TABLE IF NOT EXISTS d.t (
  a STRING NOT NULL, ${block}
  b INT64 -- trailing, with a comma ) and a paren
)
PARTITION BY b`);
    expect(table).toContain(comment);
    expect(table).toContain(block);
    expect(table).toContain("-- trailing, with a comma ) and a paren");
    expect(squash(codeOf(table!))).toBe("CREATE TABLE IF NOT EXISTS d.t ( a VARCHAR NOT NULL, b BIGINT )");
  });

  it("leaves a string literal in a DEFAULT as written", () => {
    const [, table] = toDuckDbStatements("CREATE TABLE IF NOT EXISTS d.t (a STRING DEFAULT 'STRING, INT64 (x)', b INT64)");
    expect(squash(table!)).toBe("CREATE TABLE IF NOT EXISTS d.t (a VARCHAR DEFAULT 'STRING, INT64 (x)', b BIGINT)");
  });

  it("turns # comments into -- comments (DuckDB has no # comments), text unchanged", () => {
    const [, table] = toDuckDbStatements("# INT64 here\nCREATE TABLE IF NOT EXISTS d.t (a INT64)");
    expect(table!.startsWith("-- INT64 here\n")).toBe(true);
  });

  it("keeps the comments that precede an ALTER with its (first) statement", () => {
    const out = toDuckDbStatements("-- why: STRING stays\nALTER TABLE d.t ADD COLUMN IF NOT EXISTS a STRING, ADD COLUMN b INT64");
    expect(out[0]).toBe("-- why: STRING stays\nALTER TABLE d.t ADD COLUMN IF NOT EXISTS a VARCHAR");
    expect(out[1]).toBe("ALTER TABLE d.t ADD COLUMN b BIGINT");
  });
});

describe("toDuckDbStatements: refuses what it does not know", () => {
  it.each([
    ["an unknown type", "CREATE TABLE IF NOT EXISTS d.t (a STRINGG)"],
    ["a STRUCT", "CREATE TABLE IF NOT EXISTS d.t (a STRUCT<x INT64>)"],
    ["a parameterized STRING", "CREATE TABLE IF NOT EXISTS d.t (a STRING(10))"],
    ["a backquoted name", "CREATE TABLE IF NOT EXISTS `p.d.t` (a STRING)"],
    ["a backquoted column", "CREATE TABLE IF NOT EXISTS d.t (`a` STRING)"],
    ["a double-quoted default", 'CREATE TABLE IF NOT EXISTS d.t (a STRING DEFAULT "x")'],
    ["an escaped string default", "CREATE TABLE IF NOT EXISTS d.t (a STRING DEFAULT 'it\\'s')"],
    ["a table constraint", "CREATE TABLE IF NOT EXISTS d.t (a STRING, PRIMARY KEY (a) NOT ENFORCED)"],
    ["CREATE TABLE AS SELECT", "CREATE TABLE IF NOT EXISTS d.t (a STRING) AS SELECT 'x' AS a"],
    ["AS SELECT after PARTITION BY", "CREATE TABLE IF NOT EXISTS d.t (a DATE) PARTITION BY a AS SELECT CURRENT_DATE() AS a"],
    ["a table DEFAULT COLLATE", "CREATE TABLE IF NOT EXISTS d.t (a STRING) DEFAULT COLLATE 'und:ci'"],
    ["a nested partition expression", "CREATE TABLE IF NOT EXISTS d.t (a INT64) PARTITION BY RANGE_BUCKET(a, GENERATE_ARRAY(0, 9, 1))"],
    ["an undotted table name", "CREATE TABLE IF NOT EXISTS t (a STRING)"],
    ["a view", "CREATE VIEW d.v AS SELECT 1 AS x"],
    ["an INSERT", "INSERT INTO d.t (a) VALUES ('x')"],
    ["DROP COLUMN", "ALTER TABLE d.t DROP COLUMN a"],
  ])("%s", (_what, sql) => {
    expect(() => toDuckDbStatements(sql)).toThrow(SchemaConversionError);
  });
});

describe("describeStatement", () => {
  it("reads the kind and table from code only", () => {
    expect(describeStatement("-- ALTER TABLE x.y\nCREATE TABLE IF NOT EXISTS a.b (c STRING)")).toEqual({
      kind: "create_table",
      table: "a.b",
    });
    expect(describeStatement("ALTER TABLE a.b ADD COLUMN IF NOT EXISTS c STRING")).toEqual({ kind: "alter_table", table: "a.b" });
    expect(describeStatement("CREATE SCHEMA IF NOT EXISTS a")).toEqual({ kind: "create_schema" });
    expect(describeStatement("SELECT 1")).toEqual({ kind: "other" });
  });
});

// ---------------------------------------------------------------------------------------------
// The real schema files

const UPSTREAM = [
  "nba_analytics.player_game_summary",
  "nba_analytics.team_defense_game_summary",
  "nba_raw.bdl_player_boxscores",
  "nba_raw.nbac_schedule",
];
const ORCHESTRATION = [
  "nba_orchestration.api_tokens",
  "nba_orchestration.breaker_audit_log",
  "nba_orchestration.check_outcomes",
  "nba_orchestration.completeness_checks",
  "nba_orchestration.console_write_lock",
  "nba_orchestration.reprocess_attempts",
  "nba_orchestration.revoked_sessions",
];

describe("sql/schema files", () => {
  const files = loadSchemaFiles();

  it("holds one file per table: upstream, then the seven output tables, then orchestration", () => {
    const outputs = PROCESSORS.map((p) => p.table).sort();
    expect(files.map((f) => f.file)).toEqual([...UPSTREAM, ...outputs, ...ORCHESTRATION].map((t) => `${t}.sql`));
  });

  it("names each file after the one table it creates, CREATE first, ALTERs of that table after it", () => {
    for (const { file, statements } of files) {
      const table = file.slice(0, -".sql".length);
      const kinds = statements.map(describeStatement);
      expect(kinds[0], file).toEqual({ kind: "create_table", table });
      for (const k of kinds.slice(1)) expect(k, file).toEqual({ kind: "alter_table", table });
    }
  });

  it("is idempotent: every CREATE TABLE and ADD COLUMN says IF NOT EXISTS", () => {
    for (const { file, statements } of files) {
      for (const s of statements) {
        const code = squash(codeOf(s)).toUpperCase();
        if (code.startsWith("CREATE")) expect(code, file).toMatch(/^CREATE TABLE IF NOT EXISTS /);
        if (code.includes(" ADD COLUMN ")) expect(code, file).toMatch(/ ADD COLUMN IF NOT EXISTS /);
      }
    }
  });

  it("opens every file with a header comment naming the table, its grain and its partition", () => {
    for (const { file, statements } of files) {
      const header = statements[0]!;
      expect(header.startsWith(`-- ${file.slice(0, -".sql".length)}:`), file).toBe(true);
      expect(header, file).toMatch(/^-- Grain: /m);
      expect(header, file).toMatch(/^-- Partition: /m);
    }
  });

  it("uses plain dataset.table names: no project, no backquotes", () => {
    for (const { file, statements } of files) {
      for (const s of statements) {
        expect(splitSql(s).some((seg) => seg.kind === "identifier"), file).toBe(false);
        expect(codeOf(s), file).not.toMatch(/\b[a-z0-9_-]+\.[a-z_]+\.[a-z_]+\b/i);
      }
    }
  });

  // The offline validator accepts unknown type names (`STRINGG`), so converting every statement
  // here is also what catches a misspelt type in the DDL.
  it("converts every statement to DuckDB", () => {
    for (const { file, statements } of files) {
      for (const s of statements) expect(() => toDuckDbStatements(s), `${file}: ${s.slice(-200)}`).not.toThrow();
    }
  });
});

describe("loadSchemaFiles and applyEmbeddedSchema on a scratch directory", () => {
  let dir: string | undefined;
  const scratch = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), "schema-test-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("orders upstream, output, orchestration, then other files, by name within each group", () => {
    const d = scratch({
      "zzz.other.sql": "CREATE TABLE IF NOT EXISTS zzz.other (a STRING)",
      "nba_orchestration.reprocess_attempts.sql": "CREATE TABLE IF NOT EXISTS nba_orchestration.reprocess_attempts (a STRING)",
      "nba_precompute.player_daily_cache.sql": "CREATE TABLE IF NOT EXISTS nba_precompute.player_daily_cache (a STRING)",
      "nba_raw.nbac_schedule.sql": "CREATE TABLE IF NOT EXISTS nba_raw.nbac_schedule (a STRING)",
      "aaa.other.sql": "CREATE TABLE IF NOT EXISTS aaa.other (a STRING)",
      "nba_analytics.player_game_summary.sql": "CREATE TABLE IF NOT EXISTS nba_analytics.player_game_summary (a STRING)",
    });
    expect(loadSchemaFiles(d).map((f) => f.file)).toEqual([
      "nba_analytics.player_game_summary.sql",
      "nba_raw.nbac_schedule.sql",
      "nba_precompute.player_daily_cache.sql",
      "nba_orchestration.reprocess_attempts.sql",
      "aaa.other.sql",
      "zzz.other.sql",
    ]);
  });

  it("refuses an ALTER that would run before its table's CREATE", () => {
    const d = scratch({
      "aaa.first.sql": "ALTER TABLE zzz.later ADD COLUMN IF NOT EXISTS b STRING",
      "zzz.later.sql": "CREATE TABLE IF NOT EXISTS zzz.later (a STRING)",
    });
    expect(() => loadSchemaFiles(d)).toThrow(/ALTER TABLE zzz\.later comes before any CREATE TABLE/);
  });

  it("applies converted statements in order, and skips *.duckdb.sql when loading BigQuery files", async () => {
    const d = scratch({
      "aaa.t.sql": `-- header
CREATE TABLE IF NOT EXISTS aaa.t (a STRING NOT NULL, b TIMESTAMP DEFAULT CURRENT_TIMESTAMP()) PARTITION BY DATE(b) CLUSTER BY a;
ALTER TABLE aaa.t SET OPTIONS (description = 'x');
ALTER TABLE aaa.t ADD COLUMN IF NOT EXISTS c ARRAY<STRING>;`,
      "bbb.u.sql": "CREATE TABLE IF NOT EXISTS bbb.u (a NUMERIC(5,1))",
      "bbb.u.duckdb.sql": "CREATE SCHEMA IF NOT EXISTS bbb; CREATE TABLE IF NOT EXISTS bbb.u (a DECIMAL(5,1), extra INTEGER);",
    });
    expect(loadSchemaFiles(d).map((f) => f.file)).toEqual(["aaa.t.sql", "bbb.u.sql"]);

    const ran: string[] = [];
    await applyEmbeddedSchema(async (sql) => ran.push(squash(sql)), d);
    expect(ran).toEqual([
      "CREATE SCHEMA IF NOT EXISTS aaa",
      "-- header CREATE TABLE IF NOT EXISTS aaa.t (a VARCHAR NOT NULL, b TIMESTAMPTZ DEFAULT current_timestamp)",
      "ALTER TABLE aaa.t ADD COLUMN IF NOT EXISTS c VARCHAR[]",
      // The sibling replaces the conversion of bbb.u.sql, verbatim.
      "CREATE SCHEMA IF NOT EXISTS bbb",
      "CREATE TABLE IF NOT EXISTS bbb.u (a DECIMAL(5,1), extra INTEGER)",
    ]);
  });

  it("refuses a *.duckdb.sql file without its BigQuery sibling", async () => {
    const d = scratch({ "ccc.v.duckdb.sql": "CREATE TABLE IF NOT EXISTS ccc.v (a INTEGER)" });
    await expect(applyEmbeddedSchema(async () => undefined, d)).rejects.toThrow(/no BigQuery sibling/);
  });

  it("names the file and statement when the database rejects one", async () => {
    const d = scratch({ "aaa.t.sql": "CREATE TABLE IF NOT EXISTS aaa.t (a STRING)" });
    const failing = async (sql: string) => {
      if (sql.startsWith("CREATE TABLE")) throw new Error("boom");
    };
    await expect(applyEmbeddedSchema(failing, d)).rejects.toThrow(/Embedded schema, aaa\.t\.sql: boom\nCREATE TABLE IF NOT EXISTS aaa\.t/);
  });

  it("names the file when a statement cannot be converted", async () => {
    const d = scratch({ "aaa.t.sql": "CREATE TABLE IF NOT EXISTS aaa.t (a STRINGG)" });
    await expect(applyEmbeddedSchema(async () => undefined, d)).rejects.toThrow(/^aaa\.t\.sql: Cannot convert .*type STRINGG/);
  });
});
