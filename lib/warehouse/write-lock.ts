/**
 * The write lock of guarded transactions on BigQuery (used by bigquery.ts, seeded by
 * `npm run schema:apply`). Kept apart so the schema tooling does not load the BigQuery client.
 */

/**
 * Taken first by every guarded transaction script (see sql/schema/
 * nba_orchestration.console_write_lock.sql): an UPDATE is a mutating statement, and BigQuery
 * cancels the second of two concurrent transactions that mutate the same table ("Transaction is
 * aborted due to concurrent update"). Without it, two replicas appending the same override
 * would both pass their guard — INSERTs never conflict — and both commit. The cancelled one is
 * re-issued (see `run` in bigquery.ts), reads the winner's rows, and its guard fails as it should. The row must
 * exist (an UPDATE of nothing mutates nothing): `npm run schema:apply` seeds it
 * (WRITE_LOCK_SEED), and a script that finds it missing raises instead of running unlocked.
 */
export const WRITE_LOCK =
  "UPDATE nba_orchestration.console_write_lock SET taken_at = CURRENT_TIMESTAMP(), taken_by = @lock_taken_by WHERE lock_name = 'guarded_writes'";

/** The lock's one row, inserted by `npm run schema:apply` when missing (idempotent). */
export const WRITE_LOCK_SEED = [
  "INSERT INTO nba_orchestration.console_write_lock (lock_name, taken_at, taken_by)",
  "SELECT 'guarded_writes', CURRENT_TIMESTAMP(), 'schema_apply' FROM (SELECT 1 AS one)",
  "WHERE NOT EXISTS (SELECT 1 FROM nba_orchestration.console_write_lock WHERE lock_name = 'guarded_writes')",
].join("\n");
