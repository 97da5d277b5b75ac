import { describe, expect, it } from "vitest";

import {
  csvField,
  formatCode,
  formatCompletenessPct,
  formatCount,
  formatCountdown,
  formatDate,
  formatDateLong,
  formatDateShort,
  formatDateWithWeekday,
  formatDuration,
  formatNumber,
  formatPct,
  formatRelative,
  formatUtc,
  formatUtcTime,
  formatUtcWithRelative,
  humanInstants,
  OVER_HUNDRED_NOTE,
  isOverHundred,
  toCsv,
} from "./format";

const NOW = Date.parse("2026-11-26T01:00:00Z");

describe("game dates", () => {
  it("shows a game date from its digits, whatever the time zone", () => {
    const tz = process.env.TZ;
    try {
      // West of Greenwich, new Date("2026-11-25") displays as the 24th: these must not.
      process.env.TZ = "America/Los_Angeles";
      expect(formatDate("2026-11-25")).toBe("2026-11-25");
      expect(formatDateLong("2026-11-25")).toBe("Wed 25 Nov 2026");
      expect(formatDateShort("2026-11-01")).toBe("1 Nov");
      process.env.TZ = "Pacific/Kiritimati";
      expect(formatDateLong("2026-01-01")).toBe("Thu 1 Jan 2026");
    } finally {
      process.env.TZ = tz;
    }
  });

  it("shows a dash for a missing date and leaves non-dates alone", () => {
    expect(formatDate(null)).toBe("—");
    expect(formatDateLong(undefined)).toBe("—");
    expect(formatDateLong("not a date")).toBe("not a date");
    expect(formatDateLong("2026-02-30")).toBe("2026-02-30");
  });
});

describe("timestamps", () => {
  it("shows instants in UTC to the minute, or the second on request", () => {
    expect(formatUtc("2026-11-25T04:00:59.999Z")).toBe("2026-11-25 04:00 UTC");
    expect(formatUtc("2026-11-25T04:00:59.999Z", { seconds: true })).toBe("2026-11-25 04:00:59 UTC");
    // An offset is converted, not dropped.
    expect(formatUtc("2026-11-24T23:30:00-05:00")).toBe("2026-11-25 04:30 UTC");
    // A zoneless timestamp is UTC, never local time.
    expect(formatUtc("2026-11-25 04:00:00")).toBe("2026-11-25 04:00 UTC");
    expect(formatUtc(Date.parse("2026-11-25T04:00:00Z"))).toBe("2026-11-25 04:00 UTC");
    expect(formatUtc(null)).toBe("—");
    expect(formatUtc("garbage")).toBe("garbage");
    expect(formatUtcTime("2026-11-25T04:05:06Z")).toBe("04:05 UTC");
    expect(formatUtcTime("2026-11-25T04:05:06Z", { seconds: true })).toBe("04:05:06 UTC");
  });

  it("tells relative time in one unit, rounded down", () => {
    expect(formatRelative("2026-11-26T00:59:30Z", NOW)).toBe("just now");
    expect(formatRelative("2026-11-26T00:55:00Z", NOW)).toBe("5 min ago");
    expect(formatRelative("2026-11-25T04:00:00Z", NOW)).toBe("21 h ago");
    expect(formatRelative("2026-11-22T00:00:00Z", NOW)).toBe("4 d ago");
    expect(formatRelative("2026-11-26T03:30:00Z", NOW)).toBe("in 2 h");
    expect(formatRelative("2026-11-26T01:00:30Z", NOW)).toBe("just now");
    expect(formatRelative("nope", NOW)).toBe("");
  });

  it("combines the UTC stamp and the relative time", () => {
    expect(formatUtcWithRelative("2026-11-25T04:00:00Z", NOW)).toBe("2026-11-25 04:00 UTC · 21 h ago");
    expect(formatUtcWithRelative(null, NOW)).toBe("—");
  });

  it("formats durations with two units at most", () => {
    expect(formatDuration(30_000)).toBe("< 1 min");
    expect(formatDuration(12 * 60_000)).toBe("12 min");
    expect(formatDuration(4 * 3_600_000 + 12 * 60_000 + 59_000)).toBe("4 h 12 min");
    expect(formatDuration(3 * 3_600_000)).toBe("3 h");
    expect(formatDuration(6 * 86_400_000 + 23 * 3_600_000 + 59 * 60_000)).toBe("6 d 23 h");
    expect(formatDuration(2 * 86_400_000)).toBe("2 d");
    expect(formatDuration(-90 * 60_000)).toBe("1 h 30 min");
  });

  it("counts a cooldown down to 'expired'", () => {
    expect(formatCountdown("2026-12-02T04:00:00Z", NOW)).toBe("6 d 3 h left");
    expect(formatCountdown("2026-11-26T01:00:00Z", NOW)).toBe("expired");
    expect(formatCountdown("2026-11-26T00:00:00Z", NOW)).toBe("expired");
    expect(formatCountdown("bad", NOW)).toBe("—");
  });
});

describe("numbers", () => {
  it("groups counts without the runtime's locale", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(3252)).toBe("3,252");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(-4500)).toBe("-4,500");
    expect(formatCount(null)).toBe("—");
  });

  it("shows percentages with fixed decimals and a dash for none", () => {
    expect(formatPct(92.345)).toBe("92.3%");
    expect(formatPct(89.95)).toBe("90.0%");
    expect(formatPct(100)).toBe("100.0%");
    expect(formatPct(0)).toBe("0.0%");
    expect(formatPct(87.125, 2)).toBe("87.13%");
    expect(formatPct(null)).toBe("—");
    expect(formatNumber(2.3333)).toBe("2.33");
    expect(formatNumber(1234.5, 1)).toBe("1,234.5");
    expect(formatNumber(undefined)).toBe("—");
  });

  it("turns codes into words", () => {
    expect(formatCode("incomplete_upstream_data")).toBe("incomplete upstream data");
    expect(formatCode(null)).toBe("—");
  });
});

describe("CSV", () => {
  it("quotes per RFC 4180", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(true)).toBe("true");
    expect(csvField(12.5)).toBe("12.5");
    expect(csvField(Number.NaN)).toBe("");
  });

  it("defuses spreadsheet formulas in text, not in numbers", () => {
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tcmd")).toBe("\"'\tcmd\"");
    expect(csvField("a=b")).toBe("a=b");
    expect(csvField(-5)).toBe("-5");
  });

  it("writes a header and CRLF-terminated lines", () => {
    const csv = toCsv(
      [
        { header: "entity", value: (r: { id: string; pct: number | null }) => r.id },
        { header: "completeness, %", value: (r) => r.pct },
      ],
      [
        { id: "lebronjames", pct: 80 },
        { id: "=cmd", pct: null },
      ],
    );
    expect(csv).toBe('entity,"completeness, %"\r\nlebronjames,80\r\n\'=cmd,\r\n');
  });
});

describe("CSV cells read by a spreadsheet that splits on ; or TAB", () => {
  it("quotes every field holding a separator, TAB or line break", () => {
    expect(csvField("a;b")).toBe('"a;b"');
    expect(csvField("a\tb")).toBe('"a\tb"');
  });

  it("neutralises a formula after any separator, TAB or line break, not only at the start", () => {
    expect(csvField("fine;=HYPERLINK(\"http://x\")")).toBe('"fine;\'=HYPERLINK(""http://x"")"');
    expect(csvField("a\t@SUM(A1)")).toBe("\"a\t'@SUM(A1)\"");
    expect(csvField("a,+1+2")).toBe("\"a,'+1+2\"");
    expect(csvField("a\n-2+3")).toBe("\"a\n'-2+3\"");
    expect(csvField("a; -2")).toBe('"a; -2"');
  });
});

describe("completeness above 100% (written by the original checker)", () => {
  it("is flagged above 100 only, and shown as written", () => {
    expect([99.9, 100, 100.05, 193.3, null, undefined, Number.NaN, Number.POSITIVE_INFINITY].map(isOverHundred)).toEqual([false, false, true, true, false, false, false, false]);
    expect(formatPct(193.3)).toBe("193.3%");
    expect(OVER_HUNDRED_NOTE).toBe("over 100%: written by the original checker");
  });
});

describe("the entity pages' renderings", () => {
  it("writes a game date with its weekday, from its digits", () => {
    expect(formatDateWithWeekday("2026-11-20")).toBe("Fri 2026-11-20");
    expect(formatDateWithWeekday("not a date")).toBe("not a date");
  });

  it("shows seconds only when they are not :00, in instants and in text holding instants", () => {
    expect(formatUtc("2026-11-26T04:10:00Z", { seconds: "unless-zero" })).toBe("2026-11-26 04:10 UTC");
    expect(formatUtc("2026-11-26T04:10:07Z", { seconds: "unless-zero" })).toBe("2026-11-26 04:10:07 UTC");
    expect(humanInstants("cooldown until 2026-12-13T04:00:00Z for 2026-12-06")).toBe("cooldown until 2026-12-13 04:00 UTC for 2026-12-06");
  });

  it("tells a relative time with a second unit under ten days", () => {
    const now = "2026-11-26T01:00:00Z";
    expect(formatRelative("2026-11-23T21:00:00Z", now, { detailed: true })).toBe("2 d 4 h ago");
    expect(formatRelative("2026-11-10T00:00:00Z", now, { detailed: true })).toBe("16 d ago");
    expect(formatRelative("2026-11-23T21:00:00Z", now)).toBe("2 d ago");
    expect(formatRelative("2026-12-02T14:00:00Z", now, { detailed: true })).toBe("in 6 d 13 h");
    expect(formatRelative("garbage", now, { detailed: true })).toBe("");
  });

  it("writes a completeness figure bare when whole, and null as what it means", () => {
    expect(formatCompletenessPct(90)).toBe("90%");
    expect(formatCompletenessPct(66.666)).toBe("66.7%");
    expect(formatCompletenessPct(null)).toBe("no games expected");
    expect(formatCompletenessPct(null, "not checked")).toBe("not checked");
    // The console-wide percentage keeps its decimals and its dash.
    expect(formatPct(90)).toBe("90.0%");
    expect(formatPct(null)).toBe("—");
  });
});
