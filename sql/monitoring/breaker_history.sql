-- Purpose: circuit-breaker history: every reprocess_attempts row attempted
--   in the 30 days ending at @now — failures, trips, successes, recoveries, overrides and
--   resets told apart — for the breakers page's timeline.
-- Grain: one row per stored row.
-- Parameters:
--   @since TIMESTAMP, @now TIMESTAMP  the window: since <= attempted_at <= now (now − 30 days)
--   @date_from DATE, @date_to DATE    the partition filter (the table is partitioned by
--                                     analysis_date): date(since) − 60 … date(now) + 7, wide
--                                     enough for any attempt made up to 60 days after its date
-- Rules:
--   * event: event_type, else derived exactly as eventOf (lib/completeness/breaker.ts) derives
--     it for legacy rows ({{breaker_event}}): RESET → reset, MANUAL_OVERRIDE → override,
--     tripped → trip, no skip reason → success, else failure.
--   * processor: the canonical name ({{canonical_processor}}: ml_feature_store_v2 and
--     dataset-prefixed aliases map to it; an unknown name is shown as stored).
--   * actor: the console's column (NULL on processor rows and on legacy rows, whose actor
--     exists only inside notes).
--   * A reset deletes a key's earlier rows, so history before a reset shows only its RESET row.
-- Order: newest first.
SELECT *
FROM (
{{> breaker_history_rows}}
) AS h
ORDER BY attempted_at DESC, processor, entity_id, analysis_date, attempt_number DESC
