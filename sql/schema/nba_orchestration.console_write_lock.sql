-- nba_orchestration.console_write_lock: serializes the console's guarded writes on BigQuery.
--
-- Purpose: every guarded write (override, bulk override, reset, token creation) checks inside
--   its transaction that the rows it read have not changed, then appends. On BigQuery, INSERTs
--   never conflict, so two replicas could both pass that check and both append. Each guarded
--   transaction therefore first UPDATEs this table's one row (and raises if it is missing):
--   BigQuery cancels the second of two concurrent transactions that mutate the same table. The
--   cancelled one is re-issued, sees the first one's rows, and its check fails as it should.
-- Grain: one row per lock (only 'guarded_writes' today), inserted by `npm run schema:apply`.
-- The embedded database never uses it (one process owns the file and runs every write in turn);
--   it is created there too so both backends have the same tables.
-- Partition: none (one row). Cluster: none.
CREATE TABLE IF NOT EXISTS nba_orchestration.console_write_lock (
  lock_name STRING NOT NULL,   -- which lock ('guarded_writes')
  taken_at TIMESTAMP NOT NULL, -- when a write last took it (UTC instant)
  taken_by STRING              -- the job label of that write, for the logs (e.g. override_breaker)
);

-- The description in its own statement, as in the other schema files.
ALTER TABLE nba_orchestration.console_write_lock SET OPTIONS (description = 'Completeness Console: one row whose UPDATE serializes guarded writes across replicas.');
