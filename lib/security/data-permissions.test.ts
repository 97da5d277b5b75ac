import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { secureDatabaseFiles } from "./data-permissions";

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

describe("the data directory's permissions", () => {
  it("tightens data/ to 0700 and every file in it to 0600, warning about each one that was looser", () => {
    dir = mkdtempSync(path.join(tmpdir(), "perm-"));
    const data = path.join(dir, "data");
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    writeFileSync(path.join(data, "console.duckdb"), "x", { mode: 0o644 });
    writeFileSync(path.join(data, ".auth-secret"), "s", { mode: 0o600 });
    chmodSync(path.join(data, "console.duckdb"), 0o644);
    const warnings = secureDatabaseFiles(path.join(data, "console.duckdb"));
    expect(warnings).toHaveLength(2);
    expect(warnings.join("\n")).toMatch(/data.*0755/);
    expect(warnings.join("\n")).toMatch(/console\.duckdb.*0644/);
    expect(mode(data)).toBe(0o700);
    expect(mode(path.join(data, "console.duckdb"))).toBe(0o600);
    expect(secureDatabaseFiles(path.join(data, "console.duckdb"))).toEqual([]);
  });

  it("never changes a shared folder or its other files: only the database's own files, and a warning", () => {
    dir = mkdtempSync(path.join(tmpdir(), "perm-"));
    chmodSync(dir, 0o755);
    for (const [name, m] of [["package.json", 0o644], ["run.sh", 0o755], ["console.duckdb", 0o644], ["console.duckdb.wal", 0o644]] as const) {
      writeFileSync(path.join(dir, name), "x");
      chmodSync(path.join(dir, name), m);
    }
    const warnings = secureDatabaseFiles(path.join(dir, "console.duckdb"));
    expect(mode(dir)).toBe(0o755);
    expect(mode(path.join(dir, "package.json"))).toBe(0o644);
    expect(mode(path.join(dir, "run.sh"))).toBe(0o755);
    expect(mode(path.join(dir, "console.duckdb"))).toBe(0o600);
    expect(mode(path.join(dir, "console.duckdb.wal"))).toBe(0o600);
    expect(warnings.join("\n")).toMatch(/holds other files and is readable by others/);
  });
});
