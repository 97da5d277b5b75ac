-- Fragment: the breaker history's rows: every reprocess_attempts row attempted in the window
--   since <= attempted_at <= now, with its canonical processor ({{canonical_processor}}: an
--   unknown name is shown as stored), its event ({{breaker_event}}: event_type, else derived
--   from the flags as eventOf derives it for legacy rows), completeness_pct to two decimals and
--   the console's actor column.
-- Parameters: none. Query parameters used: @since TIMESTAMP, @now TIMESTAMP, @date_from DATE,
--   @date_to DATE (the partition filter on analysis_date).
  SELECT
    attempted_at,
    {{canonical_processor}} AS processor,
    entity_id,
    analysis_date,
    attempt_number,
    {{breaker_event}} AS event,
    ROUND(completeness_pct, 2) AS completeness_pct,
    skip_reason,
    actor,
    notes
  FROM nba_orchestration.reprocess_attempts
  WHERE analysis_date BETWEEN @date_from AND @date_to
    AND attempted_at >= @since
    AND attempted_at <= @now
