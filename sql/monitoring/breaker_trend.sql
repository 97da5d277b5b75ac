-- Purpose: what the trends page draws from the breaker history, counted in the warehouse: trips
--   per processor and analysis date, and override and reset rows written outside the console
--   (no actor: the original pipeline's helper scripts; the console's own have audit records)
--   per day they were written — never the rows themselves.
-- Grain: one row per (event 'trip', processor, date = analysis_date) and per (event 'override' |
--   'reset', date = the UTC day of attempted_at; processor NULL); n = rows.
-- Parameters:
--   @since TIMESTAMP, @now TIMESTAMP, @date_from DATE, @date_to DATE   the attempted_at window
--                                    (since <= attempted_at <= now) and its partition filter
--                                    (sql/fragments/breaker_history_rows.sql)
WITH history AS (
{{> breaker_history_rows}}
)
SELECT 'trip' AS event, processor, analysis_date AS date, COUNT(*) AS n
FROM history
WHERE event = 'trip'
GROUP BY processor, analysis_date
UNION ALL
SELECT event, CAST(NULL AS STRING) AS processor, CAST(attempted_at AS DATE) AS date, COUNT(*) AS n
FROM history
WHERE event IN ('override', 'reset') AND actor IS NULL
GROUP BY event, CAST(attempted_at AS DATE)
