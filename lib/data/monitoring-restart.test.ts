/**
 * After a restart the console must not show breaker state older than the last write committed
 * before it: the default `now` of monitoring reads is rounded down to the cache TTL, and the
 * last write time lived only in the old process's memory.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.useRealTimers();
  vi.resetModules();
});

describe("the default now of a freshly started console", () => {
  it("is never before the process started, so writes committed before a restart are included", async () => {
    const write = Date.parse("2026-12-07T12:00:29.000Z"); // an override committed by the previous process
    const start = Date.parse("2026-12-07T12:00:31.000Z"); // the console restarts two seconds later
    vi.useFakeTimers();
    vi.setSystemTime(start);
    delete (globalThis as { __monitoringCache?: unknown }).__monitoringCache;
    vi.resetModules();
    const { defaultNow } = await import("./monitoring");
    const now = Date.parse(defaultNow(start + 1_000));
    expect(now).toBeGreaterThanOrEqual(write);
    // Still one value for every read of this TTL window (the cache keys on it).
    expect(defaultNow(start + 5_000)).toBe(defaultNow(start + 20_000));
  });
});
