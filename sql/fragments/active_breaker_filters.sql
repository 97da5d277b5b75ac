-- Fragment: the active-breakers list's filters, as a condition on a row of active_breaker_rows
--   (the breakers page's Active filters and the API's): processors (any when @any_processor),
--   one analysis date, one skip reason (a key without one has the reason ''), and a
--   case-insensitive substring of entity_id. A NULL parameter does not filter.
-- Parameters: none. Query parameters used: @any_processor BOOL, @processors ARRAY<STRING>,
--   @date DATE, @reason STRING, @q STRING.
(@any_processor OR processor IN UNNEST(@processors))
  AND (@date IS NULL OR analysis_date = @date)
  AND (@reason IS NULL OR IFNULL(skip_reason, '') = @reason)
  AND (@q IS NULL OR STRPOS(LOWER(entity_id), LOWER(@q)) > 0)
