import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";

import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  errorFacts,
  isRetryable,
  isUnavailable,
  resolveRetryPolicy,
  withRetry,
} from "./retry";
import { WarehouseError } from "./types";

/** The shape `@google-cloud/common`'s ApiError has: `code` = HTTP status, `errors[].reason`. */
function apiError(code: number, reason?: string, message = `boom ${reason ?? code}`) {
  return Object.assign(new Error(message), {
    code,
    errors: reason ? [{ domain: "global", reason, message }] : [],
  });
}

/** node-fetch's FetchError for a dropped connection. */
function networkError(code: string) {
  return Object.assign(new Error(`request failed, reason: ${code}`), { type: "system", code, errno: code });
}

describe("RetryPolicy", () => {
  it("defaults to 5 attempts, 1 s initial and 32 s maximum delay", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 32000 });
    expect(resolveRetryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
    expect(resolveRetryPolicy({ maxAttempts: 2 })).toEqual({ maxAttempts: 2, initialDelayMs: 1000, maxDelayMs: 32000 });
  });

  it("rejects policies that cannot work", () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => resolveRetryPolicy({ maxAttempts: 1.5 })).toThrow(RangeError);
    expect(() => resolveRetryPolicy({ initialDelayMs: -1 })).toThrow(RangeError);
    expect(() => resolveRetryPolicy({ initialDelayMs: 5000, maxDelayMs: 1000 })).toThrow(RangeError);
  });
});

describe("backoffDelayMs", () => {
  const policy = DEFAULT_RETRY_POLICY;

  it("doubles from 1 s and is capped at 32 s (no jitter)", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => backoffDelayMs(n, policy, () => 0));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 32000, 32000, 32000]);
  });

  it("adds less than one initial delay of jitter, still capped", () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, () => 0.999999));
    expect(delays).toEqual([1999, 2999, 4999, 8999, 16999, 32000]);
    expect(backoffDelayMs(1, policy, () => 0.5)).toBe(1500);
  });

  it("stays within [base, base + initial) ∩ [0, max] for any jitter, and never shrinks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r1, r2) => {
          const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (n - 1));
          const d = backoffDelayMs(n, policy, () => r1);
          expect(d).toBeGreaterThanOrEqual(base);
          expect(d).toBeLessThanOrEqual(Math.min(policy.maxDelayMs, base + policy.initialDelayMs));
          // Whatever the jitter of each, the next wait is at least as long as this one.
          expect(backoffDelayMs(n + 1, policy, () => r2)).toBeGreaterThanOrEqual(d);
        },
      ),
    );
  });

  it("tolerates a random source outside [0, 1)", () => {
    expect(backoffDelayMs(1, policy, () => Number.NaN)).toBe(1000);
    expect(backoffDelayMs(1, policy, () => -3)).toBe(1000);
    expect(backoffDelayMs(1, policy, () => 7)).toBeLessThan(2000);
  });
});

describe("isRetryable", () => {
  it.each([
    ["HTTP 500", apiError(500)],
    ["HTTP 502", apiError(502)],
    ["HTTP 503 backendError", apiError(503, "backendError")],
    ["HTTP 504", apiError(504)],
    ["HTTP 408", apiError(408)],
    ["HTTP 429", apiError(429)],
    ["internalError", apiError(500, "internalError")],
    ["403 rateLimitExceeded", apiError(403, "rateLimitExceeded", "Exceeded rate limits: too many table update operations")],
    ["backendError even with a 400", apiError(400, "backendError")],
    ["jobInternalError", apiError(400, "jobInternalError")],
    [
      "concurrent update (400 invalidQuery)",
      apiError(400, "invalidQuery", "Could not serialize access to table p:nba_orchestration.breakers due to concurrent update"),
    ],
    [
      "aborted transaction",
      apiError(400, "invalidQuery", "Transaction is aborted due to concurrent update against table p.d.t"),
    ],
    ["ECONNRESET", networkError("ECONNRESET")],
    ["EAI_AGAIN", networkError("EAI_AGAIN")],
    ["a raw Google error body", { code: 503, message: "x", errors: [{ reason: "backendError" }] }],
  ])("retries %s", (_name, error) => {
    expect(isRetryable(error)).toBe(true);
  });

  it.each([
    ["invalidQuery", apiError(400, "invalidQuery", "Syntax error: Unexpected keyword")],
    ["accessDenied", apiError(403, "accessDenied")],
    ["403 quotaExceeded", apiError(403, "quotaExceeded", "Quota exceeded: Your project exceeded quota for free query bytes scanned")],
    ["notFound", apiError(404, "notFound")],
    ["duplicate", apiError(409, "duplicate")],
    ["responseTooLarge", apiError(403, "responseTooLarge")],
    ["bytesBilledLimitExceeded", apiError(400, "bytesBilledLimitExceeded")],
    ["a non-retryable reason on a 5xx (reason decides)", apiError(500, "invalidQuery")],
    ["quotaExceeded alongside rateLimitExceeded", { code: 403, errors: [{ reason: "rateLimitExceeded" }, { reason: "quotaExceeded" }] }],
    ["HTTP 400 without reason", apiError(400)],
    ["HTTP 404 without reason", apiError(404)],
    ["ECONNREFUSED", networkError("ECONNREFUSED")],
    ["our own timeout", new WarehouseError("The query did not finish within 30000 ms", { reason: "timeout" })],
    ["our own validation error", new WarehouseError("Query parameter @x has no declared type", { reason: "invalidParameter" })],
    ["a plain Error", new Error("something")],
    ["null", null],
    ["undefined", undefined],
    ["a string", "HTTP 503"],
  ])("does not retry %s", (_name, error) => {
    expect(isRetryable(error)).toBe(false);
  });
});

describe("isUnavailable", () => {
  const after = (detail: ConstructorParameters<typeof WarehouseError>[1]) => new WarehouseError("x (after 3 attempts)", detail);
  it("is the warehouse not answering, or answering 'not now'", () => {
    for (const detail of [{ reason: "ECONNREFUSED" }, { reason: "ECONNRESET" }, { reason: "ENOTFOUND" }, { reason: "timeout" }, { reason: "backendError" }, { reason: "rateLimitExceeded" }, { status: 503 }, { status: 429 }]) {
      expect(isUnavailable(after(detail)), JSON.stringify(detail)).toBe(true);
    }
  });
  it("is not a request the warehouse refused: retrying later would fail the same way", () => {
    for (const detail of [{ reason: "invalidQuery" }, { reason: "accessDenied" }, { reason: "quotaExceeded" }, { reason: "bytesBilledLimitExceeded" }, { reason: "invalidParameter" }, {}, { status: 400 }]) {
      expect(isUnavailable(after(detail)), JSON.stringify(detail)).toBe(false);
    }
  });
});

describe("errorFacts", () => {
  it("collects status, reasons and messages from an ApiError shape", () => {
    const facts = errorFacts(apiError(403, "rateLimitExceeded", "slow down"));
    expect(facts).toEqual({ status: 403, reasons: ["rateLimitExceeded"], message: "slow down" });
  });

  it("reads a WarehouseError's detail and a network code", () => {
    expect(errorFacts(new WarehouseError("x", { reason: "timeout", status: 408 }))).toMatchObject({
      status: 408,
      reasons: ["timeout"],
    });
    expect(errorFacts(networkError("ECONNRESET"))).toMatchObject({ networkCode: "ECONNRESET", reasons: [] });
  });
});

describe("withRetry", () => {
  const policy = DEFAULT_RETRY_POLICY;

  function recorder() {
    const delays: number[] = [];
    return { delays, sleep: async (ms: number) => void delays.push(ms) };
  }

  it("returns the first success without waiting", async () => {
    const { delays, sleep } = recorder();
    const fn = vi.fn(async () => "ok");
    await expect(withRetry(fn, policy, { sleep })).resolves.toBe("ok");
    expect(fn).toHaveBeenCalledTimes(1);
    expect(delays).toEqual([]);
  });

  it("retries a retryable failure with growing waits, then succeeds", async () => {
    const { delays, sleep } = recorder();
    let calls = 0;
    const result = await withRetry(
      async (n) => {
        calls++;
        expect(n).toBe(calls);
        if (n < 4) throw apiError(503, "backendError");
        return n;
      },
      policy,
      { sleep, random: () => 0 },
    );
    expect(result).toBe(4);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it("gives up after maxAttempts and reports the attempts", async () => {
    const { delays, sleep } = recorder();
    const fn = vi.fn(async () => {
      throw apiError(429);
    });
    const onGiveUp = vi.fn((error: unknown, outcome: { attempts: number }) => new Error(`gave up after ${outcome.attempts}`));
    await expect(withRetry(fn, policy, { sleep, random: () => 0.5, onGiveUp })).rejects.toThrow("gave up after 5");
    expect(fn).toHaveBeenCalledTimes(5);
    expect(delays).toEqual([1500, 2500, 4500, 8500]);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
  });

  it("never retries a non-retryable failure", async () => {
    const { delays, sleep } = recorder();
    const error = apiError(400, "invalidQuery");
    const fn = vi.fn(async () => {
      throw error;
    });
    await expect(withRetry(fn, policy, { sleep })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(delays).toEqual([]);
  });

  it("honours a smaller maxAttempts and calls onRetry before each wait", async () => {
    const { sleep } = recorder();
    const onRetry = vi.fn();
    const fn = vi.fn(async () => {
      throw apiError(500, "internalError");
    });
    await expect(withRetry(fn, { ...policy, maxAttempts: 2 }, { sleep, random: () => 0, onRetry })).rejects.toMatchObject({
      code: 500,
    });
    expect(fn).toHaveBeenCalledTimes(2);
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(onRetry.mock.calls[0]![0]).toMatchObject({ attempt: 1, delayMs: 1000 });
  });
});
