-- Purpose: entities below threshold on as_of: every entity a processor evaluated for the date
--   that is not production ready outside bootstrap, written or skipped, with its counts and the
--   decision's reason — the list on-call works through.
-- Grain: one row per (processor, entity_id) evaluated for as_of: its latest event.
-- Parameters: @date_from DATE, @date_to DATE — both as_of (the partition filter of every
--   output table and of reprocess_attempts inside {{evaluated_entities}}).
-- Rules:
--   * evaluated = an output row OR a skip attempt (failure or trip in reprocess_attempts, event
--     from event_type or else the flags) for the date; the latest event per key wins (output
--     written-at vs attempted_at; a tie goes to the output row). The Python processors never
--     write skipped entities to their output tables, so a skip attempt is the only trace of
--     most of the entities this list exists for; a skip attempt is never ready, its reason is
--     `skipped_<skip_reason>` and its game counts are NULL (attempts do not record them).
--   * "below threshold" = is_production_ready is not TRUE. That is completeness under the
--     processor's threshold on some window, but also a key skipped by an active breaker or
--     for incomplete upstream processors (cascade) — its reason says which.
--   * bootstrap rows (backfill_bootstrap_mode TRUE) are excluded: processed and flagged,
--     never failures. NULL flags count as FALSE.
--   * completeness_pct is the stored figure as written (the original wrote values above 100),
--     two decimals; NULL = no games expected.
-- Order: lowest completeness first (NULL last), then processor, entity.
WITH latest AS (
{{evaluated_entities}}
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
