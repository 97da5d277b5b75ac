-- Purpose: what the breaker history shows besides its page, counted in the warehouse: the rows
--   in the window before filtering, the keys the filters select and their rows, and the rows
--   per event over the whole window (the panel's event filter).
-- Grain: one row per figure: facet 'all' (rows), 'keys', 'events' (rows of the selected keys),
--   value NULL; 'event' (value: the event), n = rows.
-- Parameters: as breaker_history_page.sql, without the sort and the page.
WITH history AS (
{{> breaker_history_rows}}
),
selected AS (
{{> breaker_history_keys rows=history}}
)
SELECT 'all' AS facet, CAST(NULL AS STRING) AS value, COUNT(*) AS n FROM history
UNION ALL
SELECT 'keys' AS facet, CAST(NULL AS STRING) AS value, COUNT(*) AS n FROM selected
UNION ALL
SELECT 'events' AS facet, CAST(NULL AS STRING) AS value, IFNULL(SUM(events), 0) AS n FROM selected
UNION ALL
SELECT 'event' AS facet, event AS value, COUNT(*) AS n FROM history GROUP BY event
