-- Purpose: the threshold what-if (the runbook's "before changing a threshold, compare the
--   counts that would pass at ≥ 90 / 85 / 80"): per processor, how many entities of as_of
--   would pass at each candidate threshold, on the completeness the processor recorded.
-- Grain: one row per (registry processor, threshold in @thresholds): all seven processors,
--   even one without rows on as_of (then every count is 0).
-- Parameters: @date_from DATE, @date_to DATE — both as_of (the partition filter of every
--   output table and of reprocess_attempts inside {{evaluated_entities}}); @thresholds
--   ARRAY<FLOAT64> — the candidate thresholds in percent (the app passes 80, 85, 90, 95 and
--   every configured threshold).
-- Rules:
--   * the entities evaluated on as_of, as readiness.sql counts them: output rows and skip
--     attempts, the latest event per key. Skipped entities are compared like any other (the
--     Python processors record them only as attempts).
--   * pass = completeness >= threshold on the UNROUNDED value, as the processors decide
--     readiness: the stored percentage is rounded to one decimal (89.96 is stored 90.0 and
--     does not pass at 90), so where the row has its game counts the value is recomputed as
--     100 × actual / expected — when that agrees with the stored figure to its rounding
--     (within 0.05), so counts of another window are never mixed in. Skip attempts record
--     only the rounded figure, which is then compared as recorded. Values above 100 (the
--     original checker's) are compared as written.
--   * completeness NULL = no games expected: never blocks, so it passes at every threshold,
--     and is also counted on its own (no_games_expected).
--   * completeness alone is compared: an active breaker, incomplete upstream processors or
--     bootstrap mode do not enter (they do not depend on the threshold). For multi-window
--     processors the stored completeness_percentage is the primary window only.
--   * ready_count (is_production_ready TRUE, as readiness.sql counts it) is returned beside
--     the counts: where it is far below the pass count at the configured threshold, what
--     blocks the entities is not the threshold.
-- Order: registry order, then threshold ascending.
WITH processors AS (
{{processor_list}}
),
evaluated AS (
{{evaluated_entities}}
),
latest AS (
  SELECT
    processor,
    is_production_ready,
    CASE
      WHEN expected_games_count > 0
        AND actual_games_count IS NOT NULL
        AND ABS(100 * actual_games_count / expected_games_count - completeness_percentage) <= 0.05
        THEN 100 * actual_games_count / expected_games_count
      ELSE completeness_percentage
    END AS completeness_percentage
  FROM evaluated
),
thresholds AS (
  SELECT DISTINCT threshold
  FROM UNNEST(@thresholds) AS threshold
),
stats AS (
  SELECT
    processor,
    COUNT(*) AS total_records,
    COUNTIF(is_production_ready) AS ready_count,
    COUNTIF(completeness_percentage IS NULL) AS no_games_expected
  FROM latest
  GROUP BY processor
),
passing AS (
  SELECT
    l.processor,
    t.threshold,
    COUNTIF(l.completeness_percentage IS NULL OR l.completeness_percentage >= t.threshold) AS pass_count
  FROM latest AS l
  CROSS JOIN thresholds AS t
  GROUP BY l.processor, t.threshold
)
SELECT
  p.processor,
  t.threshold,
  COALESCE(s.total_records, 0) AS total_records,
  COALESCE(s.ready_count, 0) AS ready_count,
  COALESCE(s.no_games_expected, 0) AS no_games_expected,
  COALESCE(pa.pass_count, 0) AS pass_count
FROM processors AS p
CROSS JOIN thresholds AS t
LEFT JOIN stats AS s ON s.processor = p.processor
LEFT JOIN passing AS pa ON pa.processor = p.processor AND pa.threshold = t.threshold
ORDER BY p.ord, t.threshold
