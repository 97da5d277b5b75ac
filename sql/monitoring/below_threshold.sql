-- Purpose: entities below threshold on as_of (SPEC §2.5 query 4): every entity a processor
--   evaluated for the date that is not production ready outside bootstrap, written or skipped,
--   with its counts and the decision's reason — the list on-call works through.
-- Grain: one row per (processor, entity_id) evaluated for as_of: its latest row by
--   processed_at (a re-run that made it ready removes it from the list).
-- Parameters: @date_from DATE, @date_to DATE — both as_of (the partition filter of every
--   output table inside {{processor_outputs}}).
-- Rules:
--   * "below threshold" = is_production_ready is not TRUE. That is completeness under the
--     processor's threshold on some window, but also a key skipped by an active breaker or
--     for incomplete upstream processors (cascade) — its reason says which. The original
--     filtered completeness < 90 on rows that, by construction, were never written (skipped
--     entities were not stored), and on 2 of 7 processors; here skipped entities are stored.
--   * bootstrap rows (backfill_bootstrap_mode TRUE) are excluded: processed and flagged,
--     never failures. NULL flags count as FALSE.
--   * completeness_pct is the stored primary-window figure, two decimals; NULL = no games
--     expected.
-- Order: lowest completeness first (NULL last), then processor, entity.
WITH outputs AS (
{{processor_outputs}}
),
latest AS (
  SELECT *
  FROM outputs
  WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY processor, entity_id, date ORDER BY processed_at DESC NULLS LAST) = 1
)
SELECT
  processor,
  entity_id,
  date,
  ROUND(completeness_percentage, 2) AS completeness_pct,
  expected_games_count AS expected_games,
  actual_games_count AS actual_games,
  missing_games_count AS missing_games,
  processing_decision_reason
FROM latest
WHERE NOT COALESCE(is_production_ready, FALSE)
  AND NOT COALESCE(backfill_bootstrap_mode, FALSE)
ORDER BY completeness_pct ASC NULLS LAST, processor, entity_id
