-- Purpose: the morning health check: per processor, the entities it evaluated over the 7 dates
--   ending at as_of (entities, rows, completeness, readiness, bootstrap) and how many of its
--   breaker keys are active at @now.
-- Grain: one row per registry processor, ALL SEVEN in registry order, even one without a row
--   in the window (counts 0, averages and percentages NULL; the original dropped them).
-- Parameters:
--   @date_from DATE, @date_to DATE   the evaluation window: as_of − 6 … as_of (partition filter
--                                    of every output table and of reprocess_attempts, inside
--                                    {{evaluated_entities}})
--   @breaker_date_from DATE, @breaker_date_to DATE
--                                    analysis dates whose keys may be active: date(now) − 400 …
--                                    date(now) + 7, whatever as_of is (reprocess_attempts'
--                                    partition filter; the same bounds as active_breakers.sql)
--   @now TIMESTAMP                   the instant "active" is evaluated at
-- Rules:
--   * Evaluated entities: output rows and skip attempts (failure or trip rows of
--     reprocess_attempts; the Python processors write skipped entities nowhere else), the
--     latest event per (processor, entity, date), a tie going to the output row.
--     unique_entities counts breaker entities: tricodes, player_lookups, and for
--     upcoming_team_game_context team-game keys (LAL_2025-01-15, one per game).
--     production_ready_pct counts skipped entities as not ready. Completeness averages skip
--     NULL (no games expected) and take values as written (the original wrote some above
--     100). Two decimals.
--   * Active breakers: exactly deriveBreakerState(...).status = 'active' (lib/completeness/
--     breaker.ts), counted from sql/fragments/active_trips.sql, the one block
--     active_breakers.sql lists too, so the alert's count equals the list's length: the key's
--     rows attempted at or before @now in attempt order; the trip in force is the last trip row
--     with no clearing row (override, success, recovery, reset) after it; active while its
--     cooldown end is after @now (at the instant itself the key is half-open). Keys are per
--     CANONICAL processor ({{canonical_processor}}), so one key's rows written under two names
--     are one key.
WITH processors AS (
{{processor_list}}
),
latest AS (
{{evaluated_entities}}
),
output_stats AS (
  SELECT
    processor,
    COUNT(DISTINCT entity_id) AS unique_entities,
    COUNT(*) AS total_records,
    ROUND(AVG(completeness_percentage), 2) AS avg_completeness_pct,
    ROUND(MIN(completeness_percentage), 2) AS min_completeness_pct,
    ROUND(MAX(completeness_percentage), 2) AS max_completeness_pct,
    COUNTIF(is_production_ready) AS production_ready_count,
    ROUND(100 * COUNTIF(is_production_ready) / COUNT(*), 2) AS production_ready_pct,
    COUNTIF(backfill_bootstrap_mode) AS bootstrap_records
  FROM latest
  GROUP BY processor
),
active_stats AS (
  SELECT processor, COUNT(*) AS active_breakers
  FROM (
{{> active_trips date_from=@breaker_date_from date_to=@breaker_date_to}}
  ) AS active
  GROUP BY processor
)
SELECT
  p.processor,
  COALESCE(s.unique_entities, 0) AS unique_entities,
  COALESCE(s.total_records, 0) AS total_records,
  s.avg_completeness_pct,
  s.min_completeness_pct,
  s.max_completeness_pct,
  COALESCE(s.production_ready_count, 0) AS production_ready_count,
  s.production_ready_pct,
  COALESCE(a.active_breakers, 0) AS active_breakers,
  COALESCE(s.bootstrap_records, 0) AS bootstrap_records
FROM processors AS p
LEFT JOIN output_stats AS s ON s.processor = p.processor
LEFT JOIN active_stats AS a ON a.processor = p.processor
ORDER BY p.ord
