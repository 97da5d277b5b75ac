-- Purpose: one page of the breaker history grouped by key, filtered and sorted in the
--   warehouse: the breakers page's History panel, GET /api/v1/monitoring/breaker-history and its
--   CSV (a chunk of keys per page). A page is @limit keys; each comes with all its rows in the
--   window.
-- Grain: one row per stored row of the page's keys (breaker_history_rows' columns), with the
--   key's latest (newest attempted_at) and events (its rows in the window), and on every row
--   the keys the filters select and their rows (selected_keys, selected_events: the panel's
--   totals, counted here so the keys are grouped once per page; an empty page carries none).
-- Parameters:
--   @since TIMESTAMP, @now TIMESTAMP, @date_from DATE, @date_to DATE   the window and its
--                                    partition filter (as breaker_history.sql)
--   @any_processor BOOL, @processors ARRAY<STRING>, @entity STRING, @q STRING, @date DATE,
--   @event STRING                    the filters (sql/fragments/breaker_history_keys.sql)
--   @sort STRING, @dir STRING        the key sort (latest, processor, entity_id, analysis_date,
--                                    events; {{sort_terms}}) and 'asc' | 'desc'
--   @limit INT64, @offset INT64      the page, in keys
-- Order: the keys in the sort, then processor, entity_id, analysis_date (total: pages of keys
--   never overlap); each key's rows in attempt order (attempted_at, attempt_number).
WITH history AS (
{{> breaker_history_rows}}
),
page AS (
  -- The totals are counted over every selected key, before the page is cut.
  SELECT *, COUNT(*) OVER () AS selected_keys, SUM(events) OVER () AS selected_events
  FROM (
{{> breaker_history_keys rows=history}}
  ) AS k
  ORDER BY {{sort_terms}}, processor, entity_id, analysis_date
  LIMIT @limit OFFSET @offset
)
SELECT *
FROM (
  SELECT
    h.attempted_at,
    h.processor,
    h.entity_id,
    h.analysis_date,
    h.attempt_number,
    h.event,
    h.completeness_pct,
    h.skip_reason,
    h.actor,
    h.notes,
    page.latest,
    page.events,
    page.selected_keys,
    page.selected_events
  FROM page
  JOIN history AS h
    ON h.processor = page.processor AND h.entity_id = page.entity_id AND h.analysis_date = page.analysis_date
) AS r
ORDER BY {{sort_terms}}, processor, entity_id, analysis_date, attempted_at, attempt_number, event, notes
