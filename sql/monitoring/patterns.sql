-- Purpose: reprocessing patterns: per processor and skip reason, how many
--   entities were retried, how often, how complete they were, and how many trips it caused,
--   over the attempts made in the 7 days ending at @now.
-- Grain: one row per (canonical processor, skip_reason). skip_reason NULL is the group of
--   successful attempts (success and recovery rows carry no skip reason).
-- Parameters:
--   @since TIMESTAMP, @now TIMESTAMP  the window: since <= attempted_at <= now (now − 7 days)
--   @date_from DATE, @date_to DATE    the partition filter on analysis_date: date(since) − 60 …
--                                     date(now) + 7 (see breaker_history.sql)
-- Rules:
--   * attempts = rows whose event ({{breaker_event}}, as eventOf) is failure, trip, success or
--     recovery — what deriveBreakerState counts as attempts; operator rows (override, reset)
--     are not attempts and are left out (they are in breaker-history).
--   * processor: canonical ({{canonical_processor}}); unknown names kept as stored.
--   * affected_entities = distinct entity_id (over all analysis dates); total_attempts = rows;
--     avg_attempts_per_entity = total_attempts / affected_entities (what the name says; the
--     original averaged attempt_number); avg_completeness_pct over non-NULL completeness;
--     trips = trip rows. Two decimals.
-- Order: most affected entities first, then processor, skip reason (NULL last).
WITH attempts AS (
  SELECT
    {{canonical_processor}} AS processor,
    entity_id,
    skip_reason,
    completeness_pct,
    {{breaker_event}} AS event
  FROM nba_orchestration.reprocess_attempts
  WHERE analysis_date BETWEEN @date_from AND @date_to
    AND attempted_at >= @since
    AND attempted_at <= @now
)
SELECT
  processor,
  skip_reason,
  COUNT(DISTINCT entity_id) AS affected_entities,
  COUNT(*) AS total_attempts,
  ROUND(COUNT(*) / COUNT(DISTINCT entity_id), 2) AS avg_attempts_per_entity,
  ROUND(AVG(completeness_pct), 2) AS avg_completeness_pct,
  COUNTIF(event = 'trip') AS trips
FROM attempts
WHERE event IN ('failure', 'trip', 'success', 'recovery')
GROUP BY processor, skip_reason
ORDER BY affected_entities DESC, processor, skip_reason ASC NULLS LAST
