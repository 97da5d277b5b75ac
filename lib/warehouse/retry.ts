/**
 * Retries for warehouse calls: which failures are worth another attempt, how long to wait
 * between attempts, and the loop that does it. Pure apart from the injected `sleep`, so tests
 * never wait.
 *
 * The schedule follows BigQuery's SLA back-off requirement: at least 1 s after the first error,
 * growing exponentially up to 32 s. Retrying is only safe because every attempt of one logical
 * call carries the same BigQuery `requestId` (see bigquery.ts), so a mutation that actually
 * succeeded before its response was lost is not applied twice — the one exception being a
 * concurrent-update abort, known to be rolled back, which is re-issued under a new one.
 */

export interface RetryPolicy {
  /** Total tries, the first one included. */
  maxAttempts: number;
  /** The base wait after the first failed attempt. */
  initialDelayMs: number;
  /** No single wait is longer than this. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 1_000,
  maxDelayMs: 32_000,
});

/** Fill in defaults and reject nonsense (a policy is configuration: fail loudly and early). */
export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry: maxAttempts must be an integer ≥ 1 (got ${policy.maxAttempts})`);
  }
  if (!(policy.initialDelayMs >= 0) || !(policy.maxDelayMs >= policy.initialDelayMs)) {
    throw new RangeError(
      `retry: need 0 ≤ initialDelayMs ≤ maxDelayMs (got ${policy.initialDelayMs}, ${policy.maxDelayMs})`,
    );
  }
  return policy;
}

/**
 * The wait after failed attempt number `failedAttempt` (1-based): truncated exponential
 * back-off with additive jitter, as Google documents it —
 *
 *   min(maxDelayMs, initialDelayMs · 2^(n−1) + random · initialDelayMs)
 *
 * so with the defaults the waits fall in [1 s, 2 s), [2 s, 3 s), [4 s, 5 s), [8 s, 9 s), …,
 * never above 32 s. Invariants: a wait is never below its exponential base (unless capped), and
 * never above the cap; the jitter (less than one `initialDelayMs`) keeps many clients that
 * failed together from retrying in lock-step, without ever letting wait n+1 be shorter than
 * wait n.
 */
export function backoffDelayMs(failedAttempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, failedAttempt - 1);
  // 2^exponent overflows to Infinity for absurd attempt numbers; Math.min still caps it.
  const base = policy.initialDelayMs * 2 ** exponent;
  const jitter = clamp01(random()) * policy.initialDelayMs;
  return Math.min(policy.maxDelayMs, Math.floor(base + jitter));
}

function clamp01(x: number): number {
  if (!(x >= 0)) return 0;
  return x >= 1 ? 0.999999 : x;
}

/** What an error says about itself, read from the shapes the BigQuery client produces. */
export interface ErrorFacts {
  /** The HTTP status (`ApiError.code`, a Google error body's `code`). */
  status?: number;
  /** Every `errors[].reason` (and a top-level `reason`), e.g. `["rateLimitExceeded"]`. */
  reasons: string[];
  /** A network error code from Node or node-fetch, e.g. `ECONNRESET`. */
  networkCode?: string;
  message: string;
}

/**
 * Read an error of any shape: `ApiError` from `@google-cloud/common` (`code` = HTTP status,
 * `errors: [{ reason, message }]`), a raw Google error body, a node-fetch `FetchError`
 * (`code: "ECONNRESET"`), or a `WarehouseError` (`detail.reason`, `detail.status`).
 */
export function errorFacts(error: unknown): ErrorFacts {
  const facts: ErrorFacts = { reasons: [], message: "" };
  if (typeof error !== "object" || error === null) {
    facts.message = String(error);
    return facts;
  }
  const e = error as Record<string, unknown>;
  facts.message = typeof e.message === "string" ? e.message : "";
  const detail = isRecord(e.detail) ? e.detail : undefined;
  const status = numberOrUndefined(e.code) ?? numberOrUndefined(e.status) ?? numberOrUndefined(detail?.status);
  if (status !== undefined) facts.status = status;
  if (typeof e.code === "string") facts.networkCode = e.code;
  const addReason = (r: unknown) => {
    if (typeof r === "string" && r && !facts.reasons.includes(r)) facts.reasons.push(r);
  };
  addReason(e.reason);
  addReason(detail?.reason);
  for (const item of Array.isArray(e.errors) ? e.errors : []) {
    if (isRecord(item)) {
      addReason(item.reason);
      if (typeof item.message === "string" && !facts.message.includes(item.message)) {
        facts.message = facts.message ? `${facts.message}\n${item.message}` : item.message;
      }
    }
  }
  return facts;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null;
}

function numberOrUndefined(x: unknown): number | undefined {
  return typeof x === "number" && Number.isFinite(x) ? x : undefined;
}

/**
 * Reasons that mean "this will fail the same way again": a broken query, missing permission,
 * an exhausted quota (daily/project quotas do not recover within our ≤ 15 s of back-off),
 * a missing table, a duplicate, a result too large, the bytes-billed cap, a job that was
 * stopped or timed out. Decided before the HTTP status, because BigQuery sends 403 for both
 * `rateLimitExceeded` (retry) and `quotaExceeded` (don't).
 */
const NEVER_RETRY = new Set([
  "invalidQuery",
  "invalid",
  "accessDenied",
  "quotaExceeded",
  "notFound",
  "duplicate",
  "responseTooLarge",
  "bytesBilledLimitExceeded",
  "billingTierLimitExceeded",
  "resourcesExceeded",
  "stopped",
  "timeout",
]);

/**
 * Transient server-side reasons. The `job…` spellings are what BigQuery reports for the same
 * failures when they happen inside a job rather than in the API front end; its error table says
 * to retry those too.
 */
const RETRY = new Set([
  "backendError",
  "internalError",
  "rateLimitExceeded",
  "jobBackendError",
  "jobInternalError",
  "jobRateLimitExceeded",
]);

/**
 * Connection-level failures where the request may never have reached BigQuery, or its answer
 * was lost. Safe to repeat thanks to `requestId`. Not included: ECONNREFUSED/ENOTFOUND, which
 * against googleapis.com mean misconfiguration, not a blip.
 */
const RETRY_NETWORK_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "EAI_AGAIN"]);

/**
 * A DML statement or transaction lost a race with another writer to the same table. BigQuery
 * reports it as HTTP 400 with reason `invalidQuery` (the same as a syntax error!), so only the
 * message tells them apart: "Could not serialize access to table … due to concurrent update"
 * or "Transaction is aborted due to concurrent update against table …". Running it again
 * usually succeeds.
 */
const CONCURRENT_UPDATE = /due to concurrent update/i;

/**
 * Whether BigQuery aborted the statement or transaction for a concurrent update: it was rolled
 * back, so nothing of it was applied and it may be re-issued as a new request.
 */
export function isConcurrentUpdateAbort(error: unknown): boolean {
  return CONCURRENT_UPDATE.test(errorFacts(error).message);
}

/**
 * Whether another attempt could succeed. Order matters: the concurrent-update message first
 * (it hides behind `invalidQuery`), then non-retryable reasons, then retryable reasons, then
 * the HTTP status (408, 429, 5xx), then network codes. Anything else — including our own
 * timeout and validation errors — is final.
 */
export function isRetryable(error: unknown): boolean {
  if (isConcurrentUpdateAbort(error)) return true;
  const facts = errorFacts(error);
  if (facts.reasons.some((r) => NEVER_RETRY.has(r))) return false;
  if (facts.reasons.some((r) => RETRY.has(r))) return true;
  const s = facts.status;
  if (s !== undefined && (s === 408 || s === 429 || (s >= 500 && s <= 599))) return true;
  if (facts.networkCode && RETRY_NETWORK_CODES.has(facts.networkCode)) return true;
  return false;
}

/**
 * Whether a failed call means the warehouse did not answer, or answered "not now" — so a caller
 * may try again later — rather than that the request itself is wrong (an invalid query, a denied
 * access, a spent quota). Reads the error the adapters throw after their own retries: a
 * retryable reason or status, a network failure (connection refused or reset, DNS), or a timeout.
 */
export function isUnavailable(error: unknown): boolean {
  if (isRetryable(error)) return true;
  const facts = errorFacts(error);
  if (facts.reasons.some((r) => NEVER_RETRY.has(r) && r !== "timeout")) return false;
  return facts.reasons.some((r) => r === "timeout" || r === "ECONNREFUSED" || r === "ENOTFOUND" || RETRY_NETWORK_CODES.has(r));
}

export interface RetryHooks {
  /** Waits between attempts; tests pass a recorder that resolves at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  /** Called before each wait, e.g. to log the retry. */
  onRetry?: (event: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How a retried call ended, passed to `onGiveUp`. */
export interface RetryOutcome {
  /** Attempts made, the failing one included (1 when the first error was final). */
  attempts: number;
}

/**
 * Run `attempt` until it succeeds, fails with a non-retryable error, or `maxAttempts` tries are
 * spent. Throws the last error — or whatever `onGiveUp` maps it to, which is where the caller
 * turns it into a safe error that records the number of attempts.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks & { onGiveUp?: (error: unknown, outcome: RetryOutcome) => unknown } = {},
): Promise<T> {
  const sleep = hooks.sleep ?? realSleep;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= policy.maxAttempts || !isRetryable(error)) {
        throw hooks.onGiveUp ? hooks.onGiveUp(error, { attempts: n }) : error;
      }
      const delayMs = backoffDelayMs(n, policy, hooks.random);
      hooks.onRetry?.({ attempt: n, delayMs, error });
      await sleep(delayMs);
    }
  }
}
