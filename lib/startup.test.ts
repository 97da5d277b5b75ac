import { describe, expect, it } from "vitest";

import { secureDatabaseFilesWhileBuilding } from "./startup";

const vanished = () => Object.assign(new Error("ENOENT: no such file or directory, stat 'console.duckdb.building.wal'"), { code: "ENOENT" });

describe("the database files' check beside a build", () => {
  it("looks again when a file of the build vanished between the listing and its check", () => {
    let calls = 0;
    const warnings = secureDatabaseFilesWhileBuilding("data/console.duckdb", () => {
      calls++;
      if (calls < 3) throw vanished();
      return ["data/console.duckdb was readable by others (0644); changed to 0600"];
    });
    expect(calls).toBe(3);
    expect(warnings).toEqual(["data/console.duckdb was readable by others (0644); changed to 0600"]);
  });

  it("gives up after five passes, and never hides another error", () => {
    let calls = 0;
    expect(() =>
      secureDatabaseFilesWhileBuilding("data/console.duckdb", () => {
        calls++;
        throw vanished();
      }),
    ).toThrow(/ENOENT/);
    expect(calls).toBe(5);
    expect(() =>
      secureDatabaseFilesWhileBuilding("data/console.duckdb", () => {
        throw Object.assign(new Error("EACCES"), { code: "EACCES" });
      }),
    ).toThrow(/EACCES/);
  });
});
