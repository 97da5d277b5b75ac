/**
 * Runs before every test file: a data directory of the file's own. Code under test that falls
 * back to the default embedded database (data/console.duckdb) or the session secret beside it
 * — a session check reading the signed-out sessions, a secret generated on first use — then
 * never creates or opens the developer's own console files (an empty data/console.duckdb left by
 * a test would be served by the next `npm start` instead of the demo), and two test files never
 * fight over one DuckDB file. A test that wants a database names its own path anyway.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

process.env.EMBEDDED_DB_PATH ??= path.join(mkdtempSync(path.join(tmpdir(), "completeness-test-data-")), "console.duckdb");
