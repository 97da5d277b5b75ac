-- Fragment: the active-breakers list's rows before filtering: every breaker active at @now
--   (active_trips) of a registry processor, with the trip in force (attempt_number,
--   completeness_pct to two decimals, skip_reason, tripped_at, breaker_until, notes).
-- Parameters: {{date_from}}, {{date_to}} — the DATE query parameters bounding analysis_date.
--   Placeholders of the including definition: {{processor_list}}, {{canonical_processor}},
--   {{breaker_event}}, {{trip_until}}. Query parameters used: @now TIMESTAMP.
  SELECT
    t.processor,
    t.entity_id,
    t.analysis_date,
    t.attempt_number,
    ROUND(t.completeness_pct, 2) AS completeness_pct,
    t.skip_reason,
    t.tripped_at,
    t.breaker_until,
    t.notes
  FROM (
{{> active_trips date_from={{date_from}} date_to={{date_to}}}}
  ) AS t
  JOIN (
{{processor_list}}
  ) AS p ON p.processor = t.processor
