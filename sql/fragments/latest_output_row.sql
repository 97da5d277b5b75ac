-- Fragment: the latest output row per (processor, entity_id, date) of a relation shaped like
--   processorOutputsSql's union (processor, entity_id, date, processed_at, …): the row with the
--   newest written-at instant wins ("writes append; reads decide"), a NULL written-at last.
-- Parameters: {{rows}} — the relation (a CTE name) to rank.
-- Returns: every column of {{rows}}, one row per key. The WHERE TRUE is there because BigQuery
--   refuses a QUALIFY in a SELECT with no WHERE, GROUP BY or HAVING.
  SELECT *
  FROM {{rows}}
  WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY processor, entity_id, date ORDER BY processed_at DESC NULLS LAST) = 1
