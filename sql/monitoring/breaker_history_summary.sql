-- Purpose: what the breaker history shows besides its page and the totals the page carries
--   (breaker_history_page.sql): the rows in the window before filtering, and the rows per event
--   over the whole window (the panel's event filter). Neither depends on the filters.
-- Grain: one row per figure: facet 'all' (rows), value NULL; 'event' (value: the event),
--   n = rows.
-- Parameters: the window of breaker_history_page.sql (@since, @now, @date_from, @date_to).
WITH history AS (
{{> breaker_history_rows}}
)
SELECT 'all' AS facet, CAST(NULL AS STRING) AS value, COUNT(*) AS n FROM history
UNION ALL
SELECT 'event' AS facet, event AS value, COUNT(*) AS n FROM history GROUP BY event
