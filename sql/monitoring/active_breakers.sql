-- Purpose: every circuit breaker active at @now: the keys a processor
--   skips, with the trip that put them there, for the breakers page and its override actions.
-- Grain: one row per active key (canonical processor, entity_id, analysis_date), taken from
--   the key's trip in force: attempt_number, completeness_pct, skip_reason and notes of that
--   trip row; tripped_at = its attempted_at; breaker_until = its cooldown end.
--   hours_remaining is added by the app (lib/queries/monitoring.ts) from breaker_until and
--   @now: BigQuery's TIMESTAMP_DIFF/UNIX_SECONDS and DuckDB's epoch() have no common form.
-- Parameters:
--   @date_from DATE, @date_to DATE   analysis dates considered: date(now) − 400 … date(now) + 7
--                                    (partition filter, past the table's 365-day expiration):
--                                    every key active at @now, whatever its analysis date —
--                                    also the dates after data-as-of, when output has stopped
--                                    in a mass outage and breakers keep tripping
--   @now TIMESTAMP                   the instant "active" is evaluated at
-- Rules:
--   * "active at @now" is sql/fragments/active_trips.sql, the one block health.sql's active
--     count includes too (deriveBreakerState's "active"): the key's rows attempted at or before
--     @now in attempt order; the trip in force is the last trip row with no override, success,
--     recovery or reset after it; active while its cooldown end is strictly after @now (a
--     half-open key that failed again has a newer trip row). Events come from event_type, else
--     from the flags ({{breaker_event}}; the Python processors and the original scripts leave
--     event_type NULL): a trip row carrying the original's manual_override_applied flag is
--     still a trip (that flag never unblocked anything);
--   * keys are per canonical processor ({{canonical_processor}} maps registry aliases), and
--     only registry processors are listed (a row under an unknown name cannot be overridden
--     from the console, and health counts only the seven).
-- Order: soonest to expire first.
SELECT *
FROM (
{{> active_breaker_rows date_from=@date_from date_to=@date_to}}
) AS a
ORDER BY breaker_until, processor, entity_id, analysis_date
