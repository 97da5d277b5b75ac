-- Fragment: the breaker rule "a trip is in force": per key (processor, entity_id,
--   analysis_date), the LAST row in attempt order (attempt_number, then attempted_at; an exact
--   tie on both is ordered arbitrarily) among its trip and clearing rows (override, success,
--   recovery, reset). A trip is in force exactly when that row's event is 'trip'; it is active
--   while its cooldown end is after the instant evaluated. Failure rows decide nothing, so they
--   are dropped before the one window (cheaper than numbering every row).
-- Parameters: {{attempts}} — a relation of a key's rows with the columns processor, entity_id,
--   analysis_date, attempt_number, attempted_at and event (the row's breaker event).
-- Returns: every column of {{attempts}}, at most one row per key.
  SELECT *
  FROM {{attempts}}
  WHERE event IN ('trip', 'override', 'success', 'recovery', 'reset')
  QUALIFY ROW_NUMBER() OVER (PARTITION BY processor, entity_id, analysis_date ORDER BY attempt_number DESC, attempted_at DESC) = 1
