-- Purpose: multi-window detail: for the three multi-window processors
--   (player_daily_cache, upcoming_player_game_context, upcoming_team_game_context), every
--   entity on as_of whose windows are not all complete, with each of its windows.
-- Grain: one row per (processor, entity_id, window) for entities whose latest row on as_of has
--   all_windows_complete not TRUE; every window the processor uses is listed (the complete
--   ones too, so the row set explains the entity).
-- Parameters: @date_from DATE, @date_to DATE — both as_of (the partition filter of each
--   multi-window table inside {{multi_window_outputs}}).
-- Fragments, all generated from the processor registry:
--   {{multi_window_outputs}}  the three tables' rows with every window's pct/complete column
--                             (NULL where a processor lacks the window)
--   {{processor_windows}}     (processor, window_id, ord): l5, l10, l7d, l14d, l30d as used
--   {{window_pct}}, {{window_complete}}  the chosen window's columns of the latest row
-- Rules: latest row per (processor, entity, date) by its written-at columns; is_complete NULL
--   counts as FALSE; completeness_pct NULL = no games expected in that window; values as
--   written (the original wrote some above 100).
--   Output rows only, by design: a skip attempt records one completeness figure, not the
--   windows, so an entity the Python processors skipped has no windows to show here — it is
--   listed by below-threshold, and the entity page's live recheck computes its windows. The column is
--   `window_id` here (WINDOW is reserved in BigQuery) and `window` in the API.
-- Order: processor, entity, the processor's window order.
WITH outputs AS (
{{multi_window_outputs}}
),
latest AS (
{{> latest_output_row rows=outputs}}
),
windows AS (
{{processor_windows}}
)
SELECT
  l.processor,
  l.entity_id,
  l.date,
  w.window_id,
  ROUND({{window_pct}}, 2) AS completeness_pct,
  COALESCE({{window_complete}}, FALSE) AS is_complete
FROM latest AS l
JOIN windows AS w ON w.processor = l.processor
WHERE NOT COALESCE(l.all_windows_complete, FALSE)
ORDER BY l.processor, l.entity_id, w.ord
