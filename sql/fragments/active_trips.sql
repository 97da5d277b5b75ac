-- Fragment: the breaker keys active at @now, each with the trip that put it there — exactly
--   deriveBreakerState(...).status = 'active' (lib/completeness/breaker.ts). Per key (canonical
--   processor, entity_id, analysis_date), from its rows attempted at or before @now in attempt
--   order (attempt_number, then attempted_at; an exact tie on both is ordered arbitrarily here,
--   by content in the TypeScript rules): the trip in force is the last trip row with no clearing
--   row (override, success, recovery, reset) after it, that is, when the LAST of the key's trip
--   and clearing rows is a trip (failure rows decide nothing, so they are dropped before the one
--   window: cheaper than numbering every row). Active while its cooldown end
--   ({{trip_until}}: circuit_breaker_until, else attempted_at + 7 days) is strictly after @now;
--   at that instant the key is half-open. Events come from event_type, else from the flags
--   ({{breaker_event}}); registry aliases are one processor ({{canonical_processor}}).
-- Parameters: {{date_from}}, {{date_to}} — the DATE query parameters bounding analysis_date
--   (reprocess_attempts' partition filter). Query parameters used: @now TIMESTAMP.
-- Returns: one row per active key: processor, entity_id, analysis_date, attempt_number, completeness_pct, skip_reason,
--   notes of the trip row; tripped_at (its attempted_at) and breaker_until (its cooldown end).
  SELECT
    processor,
    entity_id,
    analysis_date,
    attempt_number,
    completeness_pct,
    skip_reason,
    attempted_at AS tripped_at,
    {{trip_until}} AS breaker_until,
    notes
  FROM (
    SELECT *
    FROM (
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
      WHERE analysis_date BETWEEN {{date_from}} AND {{date_to}}
        AND attempted_at <= @now
    ) AS attempts
    WHERE event IN ('trip', 'override', 'success', 'recovery', 'reset')
    QUALIFY ROW_NUMBER() OVER (PARTITION BY processor, entity_id, analysis_date ORDER BY attempt_number DESC, attempted_at DESC) = 1
  ) AS decisive
  WHERE event = 'trip'
    AND {{trip_until}} > @now
