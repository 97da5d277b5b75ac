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
-- Rules (identical to health.sql's active count, and to deriveBreakerState's "active"):
--   * only rows attempted at or before @now count (the state as it was at @now);
--   * rows in attempt order (attempt_number, then attempted_at; an exact tie on both is
--     ordered arbitrarily here, by content in the TypeScript rules);
--   * event per row from event_type, else from the flags ({{breaker_event}}; the Python
--     processors and the original scripts leave event_type NULL): a
--     trip row carrying the original's manual_override_applied flag is still a trip (that
--     flag never unblocked anything), a MANUAL_OVERRIDE row is an override, RESET a reset;
--   * the trip in force is the last trip row with no override, success, recovery or reset
--     after it; active when its cooldown end (circuit_breaker_until, else attempted_at + 7
--     days) is strictly after @now. A half-open key that failed again has a newer trip row;
--   * keys are per canonical processor ({{canonical_processor}} maps registry aliases), and
--     only registry processors are listed (a row under an unknown name cannot be overridden
--     from the console, and health counts only the seven).
-- Order: soonest to expire first.
WITH processors AS (
{{processor_list}}
),
attempts AS (
  SELECT
    {{canonical_processor}} AS processor,
    entity_id,
    analysis_date,
    attempt_number,
    attempted_at,
    completeness_pct,
    skip_reason,
    circuit_breaker_until,
    notes,
    {{breaker_event}} AS event
  FROM nba_orchestration.reprocess_attempts
  WHERE analysis_date BETWEEN @date_from AND @date_to
    AND attempted_at <= @now
),
-- The trip in force is the last trip row with no clearing row after it: exactly when the LAST
-- row (in attempt order) among the trip and clearing rows is a trip.
decisive AS (
{{> last_decisive_row attempts=attempts}}
),
trips AS (
  SELECT
    processor,
    entity_id,
    analysis_date,
    attempt_number,
    ROUND(completeness_pct, 2) AS completeness_pct,
    skip_reason,
    attempted_at AS tripped_at,
    {{trip_until}} AS breaker_until,
    notes
  FROM decisive
  WHERE event = 'trip'
)
SELECT t.*
FROM trips AS t
JOIN processors AS p ON p.processor = t.processor
WHERE t.breaker_until > @now
ORDER BY t.breaker_until, t.processor, t.entity_id, t.analysis_date
