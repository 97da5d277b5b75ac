-- Purpose: the rows of every breaker key that failed or tripped recently — the incidents' scope.
--   The caller derives each key's state, its current failing streak and what its overrides led
--   to from these rows (lib/completeness/breaker.ts), so the key's whole history is returned,
--   not only the recent failures.
-- Grain: one row per stored reprocess_attempts row of a key (canonical processor, entity_id,
--   analysis_date) that has a `failure` or `trip` row attempted in [@failed_from, @now].
-- Rules: keys are per canonical processor ({{canonical_processor}} maps every registry alias, so
--   one processor's rows written under two names are one key); the event of a row is derived as
--   deriveBreakerState derives it ({{breaker_event}}: event_type, else the original's flags).
--   Rows attempted after @now are returned too (a key's row numbering needs them); the caller
--   decides state at @now.
-- Parameters:
--   @date_from DATE, @date_to DATE   analysis dates read (partition filter): a key fails within
--                                    the orchestrator's retry horizon of its date, so the caller
--                                    reads from @failed_from minus that horizon
--   @failed_from TIMESTAMP           the scope's start (now − 30 days)
--   @now TIMESTAMP                   the instant the scope is evaluated at
WITH attempts AS (
  SELECT
    {{canonical_processor}} AS processor,
    processor_name,
    entity_id,
    analysis_date,
    attempt_number,
    attempted_at,
    completeness_pct,
    skip_reason,
    circuit_breaker_tripped,
    circuit_breaker_until,
    manual_override_applied,
    notes,
    event_type,
    actor,
    reason_code,
    request_id,
    rows_removed,
    batch_id,
    created_at,
    {{breaker_event}} AS event
  FROM nba_orchestration.reprocess_attempts
  WHERE analysis_date BETWEEN @date_from AND @date_to
),
failed AS (
  SELECT DISTINCT processor, entity_id, analysis_date
  FROM attempts
  WHERE event IN ('failure', 'trip')
    AND attempted_at >= @failed_from
    AND attempted_at <= @now
)
SELECT
  a.processor,
  a.processor_name,
  a.entity_id,
  a.analysis_date,
  a.attempt_number,
  a.attempted_at,
  a.completeness_pct,
  a.skip_reason,
  a.circuit_breaker_tripped,
  a.circuit_breaker_until,
  a.manual_override_applied,
  a.notes,
  a.event_type,
  a.actor,
  a.reason_code,
  a.request_id,
  a.rows_removed,
  a.batch_id,
  a.created_at
FROM attempts AS a
JOIN failed AS f
  ON f.processor = a.processor AND f.entity_id = a.entity_id AND f.analysis_date = a.analysis_date
ORDER BY a.processor, a.analysis_date, a.entity_id, a.attempt_number, a.attempted_at
