-- Fragment: the breaker history grouped by key (processor, entity_id, analysis_date) over the
--   rows of {{rows}} (breaker_history_rows), the keys the history filters select: processors
--   (any when @any_processor), one entity exactly, a case-insensitive substring of entity_id,
--   one analysis date, and keys with at least one row of one event. A NULL parameter does not
--   filter. Per key: latest (its newest attempted_at) and events (its rows in the window).
-- Parameters: {{rows}} — the name of the relation holding breaker_history_rows. Query
--   parameters used: @any_processor BOOL, @processors ARRAY<STRING>, @entity STRING, @q STRING,
--   @date DATE, @event STRING.
  SELECT
    processor,
    entity_id,
    analysis_date,
    MAX(attempted_at) AS latest,
    COUNT(*) AS events
  FROM {{rows}}
  WHERE (@any_processor OR processor IN UNNEST(@processors))
    AND (@entity IS NULL OR entity_id = @entity)
    AND (@q IS NULL OR STRPOS(LOWER(entity_id), LOWER(@q)) > 0)
    AND (@date IS NULL OR analysis_date = @date)
  GROUP BY processor, entity_id, analysis_date
  HAVING @event IS NULL OR COUNTIF(event = @event) > 0
