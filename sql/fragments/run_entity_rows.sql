-- Fragment: the filter and order of the check service's per-run reads: the rows of one processor
--   run (@run_id) for one processor (@processor, canonical name) and analysis date
--   (@analysis_date), one per entity, in entity order; {{stamp}} >= {{since}} bounds the
--   partitions read (the table is partitioned by that instant).
-- Parameters: {{stamp}} — the table's partition column; {{since}} — the query parameter that
--   bounds it. Query parameters used: @run_id STRING, @processor STRING, @analysis_date DATE.
WHERE {{stamp}} >= {{since}}
  AND run_id = @run_id
  AND processor = @processor
  AND analysis_date = @analysis_date
ORDER BY entity_id
