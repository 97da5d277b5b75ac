import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  addDays,
  addDaysToInstant,
  dayOfWeek,
  daysBetween,
  formatUtcForNotes,
  fromEpochDay,
  instantMs,
  isIsoDate,
  monthOf,
  toEpochDay,
  toIsoInstant,
  instantMicros,
  isoFromMicros,
  toPreciseInstant,
} from "./dates";

describe("calendar dates", () => {
  it("adds days across month, year and leap-day boundaries", () => {
    expect(addDays("2024-10-31", 1)).toBe("2024-11-01");
    expect(addDays("2024-12-31", 1)).toBe("2025-01-01");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-02-28", 1)).toBe("2025-03-01");
    expect(addDays("2025-01-01", -1)).toBe("2024-12-31");
  });

  it("ignores daylight-saving changes (US DST ended 2024-11-03)", () => {
    expect(addDays("2024-11-02", 2)).toBe("2024-11-04");
    expect(daysBetween("2024-03-09", "2024-03-11")).toBe(2);
  });

  it("counts signed days between dates", () => {
    expect(daysBetween("2024-10-22", "2024-11-21")).toBe(30);
    expect(daysBetween("2024-11-21", "2024-10-22")).toBe(-30);
    expect(daysBetween("2024-10-22", "2024-10-22")).toBe(0);
  });

  it("rejects what is not a real YYYY-MM-DD date", () => {
    expect(() => toEpochDay("2024-02-30")).toThrow(RangeError);
    expect(() => toEpochDay("2024-1-05")).toThrow(RangeError);
    expect(() => addDays("2024-10-22T00:00:00Z", 1)).toThrow(RangeError);
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2023-02-29")).toBe(false);
    expect(isIsoDate(20241022)).toBe(false);
    expect(isIsoDate("0050-01-01")).toBe(false); // Date.UTC would read it as 1950
    expect(isIsoDate("2100-02-29")).toBe(false);
    expect(isIsoDate("2000-02-29")).toBe(true);
  });

  it("accepts exactly the strings a Date round trip accepts", () => {
    // The oracle: Date.UTC rolls impossible days over, so a date is real when it prints back as itself.
    const oracle = (s: string) => {
      const [y, m, d] = s.split("-").map(Number) as [number, number, number];
      const t = new Date(0);
      t.setUTCFullYear(y, m - 1, d);
      return y >= 100 && t.toISOString().slice(0, 10) === s;
    };
    const pad = (n: number, w: number) => String(n).padStart(w, "0");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const s = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        expect(isIsoDate(s)).toBe(oracle(s));
        if (oracle(s)) expect(fromEpochDay(toEpochDay(s))).toBe(s);
      }),
      { numRuns: 5000 },
    );
  });

  it("knows the month and weekday (2024-10-22 was a Tuesday)", () => {
    expect(monthOf("2024-04-15")).toBe(4);
    expect(dayOfWeek("2024-10-22")).toBe(2);
    expect(dayOfWeek("1970-01-01")).toBe(4);
  });

  it("property: addDays and daysBetween are inverse", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: -2_000, max: 2_000 }), (day, n) => {
        const d = fromEpochDay(day);
        expect(daysBetween(d, addDays(d, n))).toBe(n);
        expect(addDays(addDays(d, n), -n)).toBe(d);
      }),
    );
  });
});

describe("instants", () => {
  it("reads a timestamp without a zone as UTC, never local time", () => {
    expect(instantMs("2024-11-01 10:00:00")).toBe(Date.UTC(2024, 10, 1, 10));
    expect(instantMs("2024-11-01T10:00:00")).toBe(Date.UTC(2024, 10, 1, 10));
    expect(instantMs("2024-11-01 10:00:00+00")).toBe(Date.UTC(2024, 10, 1, 10));
    expect(instantMs("2024-11-01T12:00:00+02:00")).toBe(Date.UTC(2024, 10, 1, 10));
    expect(instantMs(new Date(Date.UTC(2024, 10, 1, 10)))).toBe(Date.UTC(2024, 10, 1, 10));
  });

  it("rejects garbage", () => {
    expect(() => instantMs("yesterday")).toThrow(RangeError);
    expect(() => instantMs(new Date(Number.NaN))).toThrow(RangeError);
  });

  it("adds whole days to an instant and formats it for notes", () => {
    expect(addDaysToInstant("2024-11-01T10:00:00Z", 7)).toBe("2024-11-08T10:00:00.000Z");
    expect(toIsoInstant("2024-11-01 10:00:00")).toBe("2024-11-01T10:00:00.000Z");
    expect(formatUtcForNotes("2024-11-01T10:00:00.123Z")).toBe("2024-11-01 10:00:00 UTC");
  });

  it("keeps microseconds: parses them, prints them, and adds days without losing them", () => {
    const us = Date.UTC(2024, 10, 1, 10) * 1000 + 123_456;
    expect(instantMicros("2024-11-01T10:00:00.123456Z")).toBe(us);
    expect(instantMicros("2024-11-01T10:00:00.123456789Z")).toBe(us); // beyond µs: dropped
    expect(instantMicros("2024-11-01 10:00:00.123456+00")).toBe(us);
    expect(instantMicros("2024-11-01T10:00:00.1Z")).toBe(Date.UTC(2024, 10, 1, 10) * 1000 + 100_000);
    expect(isoFromMicros(us)).toBe("2024-11-01T10:00:00.123456Z");
    expect(isoFromMicros(BigInt(us))).toBe("2024-11-01T10:00:00.123456Z");
    expect(isoFromMicros(Date.UTC(2024, 10, 1, 10) * 1000 + 5)).toBe("2024-11-01T10:00:00.000005Z");
    // A whole millisecond prints as every instant the console writes.
    expect(isoFromMicros(Date.UTC(2024, 10, 1, 10) * 1000 + 123_000)).toBe("2024-11-01T10:00:00.123Z");
    expect(isoFromMicros(-1)).toBe("1969-12-31T23:59:59.999999Z");
    expect(isoFromMicros(-1000)).toBe("1969-12-31T23:59:59.999Z");
    // Beyond ±2^53 µs (years after 2255) in BigInt: still exact.
    expect(isoFromMicros(253402300799999999n)).toBe("9999-12-31T23:59:59.999999Z");
    expect(toPreciseInstant("2024-11-01T12:00:00.000001+02:00")).toBe("2024-11-01T10:00:00.000001Z");
    expect(addDaysToInstant("2024-11-01T10:00:00.123456Z", 7)).toBe("2024-11-08T10:00:00.123456Z");
    // Milliseconds cut, never rounded up.
    expect(instantMs("2024-12-31T23:59:59.999999Z")).toBe(Date.UTC(2024, 11, 31, 23, 59, 59, 999));
  });

  it("round-trips any microsecond instant through text", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000_000 }), (us) => {
        expect(instantMicros(isoFromMicros(us))).toBe(us);
      }),
    );
  });

  it("prints microseconds as the exact BigInt arithmetic does, on both sides of the epoch", () => {
    const oracle = (us: bigint) => {
      let ms = us / 1000n;
      if (ms * 1000n > us) ms -= 1n;
      const sub = us - ms * 1000n;
      const base = new Date(Number(ms)).toISOString();
      return sub === 0n ? base : `${base.slice(0, -1)}${sub.toString().padStart(3, "0")}Z`;
    };
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n }), (us) => {
        expect(isoFromMicros(us)).toBe(oracle(us));
        expect(isoFromMicros(Number(us))).toBe(oracle(us));
      }),
      { numRuns: 5000 },
    );
  });
});
