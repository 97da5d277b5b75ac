-- Purpose: one page of the active-breakers list, filtered and sorted in the warehouse: the
--   breakers page's Active panel, GET /api/v1/monitoring/active-breakers and its CSV (a chunk per
--   page).
-- Grain: one row per active key (as active_breakers.sql), at most @limit rows.
-- Parameters:
--   @date_from DATE, @date_to DATE   analysis dates considered (as active_breakers.sql)
--   @now TIMESTAMP                   the instant "active" is evaluated at
--   @any_processor BOOL, @processors ARRAY<STRING>, @date DATE, @reason STRING, @q STRING
--                                    the filters (sql/fragments/active_breaker_filters.sql)
--   @sort STRING, @dir STRING        the sort column (one of the list's sorts, {{sort_terms}})
--                                    and 'asc' | 'desc'; NULLs last either way
--   @limit INT64, @offset INT64      the page
-- Order: the sort, then processor, entity_id, analysis_date (a key is unique, so the order is
--   total and pages never overlap).
SELECT *
FROM (
{{> active_breaker_rows date_from=@date_from date_to=@date_to}}
) AS a
WHERE {{> active_breaker_filters}}
ORDER BY {{sort_terms}}, processor, entity_id, analysis_date
LIMIT @limit OFFSET @offset
