import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { readBuildStatus } from "@/lib/warehouse/build-status";

import { LOG_EVERY_MS, createProgressReporter, createStatusReporter, formatDuration, progressLine } from "./progress";

describe("the demo build's progress", () => {
  it("says nights done of the total, the elapsed time and what is left at the rate so far", () => {
    // 35 of 140 nights in 70 s: 2 s a night, 105 nights left = 210 s.
    expect(progressLine({ day: 35, days: 140, date: "2026-11-02" }, 70_000)).toBe("[demo] night 35/140 (2026-11-02) 25% · 1 min 10 s elapsed, about 3 min 30 s left");
    expect(progressLine({ day: 140, days: 140, date: "2027-02-24" }, 281_400)).toBe("[demo] night 140/140 (2027-02-24) 100% · 4 min 41 s elapsed");
  });

  it("formats durations in seconds, then minutes", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(59_400)).toBe("59 s");
    expect(formatDuration(59_600)).toBe("1 min 00 s");
    expect(formatDuration(3_725_000)).toBe("62 min 05 s");
  });

  it("redraws one line on a terminal after every night, and ends it once", () => {
    const out: string[] = [];
    let t = 0;
    const report = createProgressReporter({ tty: true, write: (s) => out.push(s), startedAt: 0, clock: () => t });
    for (let day = 1; day <= 3; day++) {
      t = day * 1000;
      report({ day, days: 3, date: `2026-10-0${day}` });
    }
    report.done();
    report.done();
    expect(out).toHaveLength(4);
    expect(out.slice(0, 3).every((s) => s.startsWith("\r[demo] night "))).toBe(true);
    expect(out[2]).toContain("night 3/3");
    expect(out[3]).toBe("\n");
  });

  it("in a log, prints a line every 10% and whenever 15 s passed without one, and the last night", () => {
    const out: string[] = [];
    let t = 0;
    const report = createProgressReporter({ tty: false, write: (s) => out.push(s), startedAt: 0, clock: () => t });
    // 200 nights at 1 s each: deciles every 20 nights, so the 15 s rule fires in between.
    for (let day = 1; day <= 200; day++) {
      t = day * 1000;
      report({ day, days: 200, date: "2026-10-01" });
    }
    report.done();
    const nights = out.map((line) => Number(/night (\d+)\//.exec(line)?.[1]));
    expect(out.every((line) => line.endsWith("\n") && !line.includes("\r"))).toBe(true);
    expect(nights[0]).toBe(1);
    expect(nights.at(-1)).toBe(200);
    // No gap longer than the log interval (1 s a night here), and every decile has its line.
    for (let i = 1; i < nights.length; i++) expect(nights[i]! - nights[i - 1]!).toBeLessThanOrEqual(LOG_EVERY_MS / 1000);
    for (let decile = 1; decile <= 9; decile++) expect(nights).toContain(decile * 20);
    expect(nights.length).toBeLessThan(30);
  });
});

describe("the build's status file", () => {
  it("holds the step before the first night, then each night's count, then the writing of the database", () => {
    const dir = mkdtempSync(join(tmpdir(), "status-reporter-"));
    const dbPath = join(dir, "console.duckdb");
    try {
      const status = createStatusReporter({ dbPath, owner: process.pid, startedAt: "2026-12-07T10:00:00.000Z", clock: () => new Date("2026-12-07T10:00:09.000Z") });
      status.step("generating the season and loading its upstream rows");
      expect(readBuildStatus(dbPath)).toMatchObject({ state: "building", step: "generating the season and loading its upstream rows", nights: null, startedAt: "2026-12-07T10:00:00.000Z" });
      status.night({ day: 35, days: 140, date: "2026-11-02" });
      expect(readBuildStatus(dbPath)).toMatchObject({ step: "simulating the pipeline night by night", nights: { done: 35, total: 140 }, date: "2026-11-02", updatedAt: "2026-12-07T10:00:09.000Z" });
      status.night({ day: 140, days: 140, date: "2027-02-24" });
      expect(readBuildStatus(dbPath)).toMatchObject({ step: "writing the database", nights: { done: 140, total: 140 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
