-- Fragment: the audit's filters, as a condition on a row of nba_orchestration.breaker_audit_log
--   (the Audit page's filters and GET /api/v1/audit's): the partition range, one actor, one
--   action, and writes touching a key of one processor — with the check service's records of its
--   runs, also those that changed no key. An empty string does not filter.
-- Parameters: none. Query parameters used: @created_from TIMESTAMP, @created_to TIMESTAMP,
--   @actor STRING, @action STRING, @processor STRING.
created_at >= @created_from
  AND created_at < @created_to
  AND (@actor = '' OR actor = @actor)
  AND (@action = '' OR action = @action)
  AND (
    @processor = ''
    OR keys_json LIKE CONCAT('%"processor":"', @processor, '"%')
    -- a pipeline record that changed no key names its processor in its request id
    -- (check:|outcomes:<run_id>:<processor>:<date>; an operator's request id has no ':')
    OR (action LIKE 'pipeline_%' AND request_id LIKE CONCAT('%:', @processor, ':____-__-__'))
  )
