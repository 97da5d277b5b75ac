-- Purpose: what the active-breakers list shows besides its page, counted in the warehouse: the
--   active keys before filtering, the keys the filters select, and the facets of the panel's
--   date and skip-reason filters (over every active key, as the filters offer them).
-- Grain: one row per figure: facet 'all' | 'selected' (value NULL), 'date' (value: an
--   analysis date, YYYY-MM-DD), 'reason' (value: a non-empty skip reason); n = keys.
-- Parameters:
--   @date_from DATE, @date_to DATE, @now TIMESTAMP   as active_breakers_page.sql
--   @any_processor BOOL, @processors ARRAY<STRING>, @date DATE, @reason STRING, @q STRING
--                                                    the filters of 'selected'
WITH active AS (
{{> active_breaker_rows date_from=@date_from date_to=@date_to}}
)
SELECT 'all' AS facet, CAST(NULL AS STRING) AS value, COUNT(*) AS n FROM active
UNION ALL
SELECT 'selected' AS facet, CAST(NULL AS STRING) AS value, COUNT(*) AS n FROM active WHERE {{> active_breaker_filters}}
UNION ALL
SELECT 'date' AS facet, CAST(analysis_date AS STRING) AS value, COUNT(*) AS n FROM active GROUP BY analysis_date
UNION ALL
SELECT 'reason' AS facet, skip_reason AS value, COUNT(*) AS n FROM active WHERE skip_reason IS NOT NULL AND skip_reason <> '' GROUP BY skip_reason
