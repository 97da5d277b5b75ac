import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { secureDataDirectory } from "./data-permissions";

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
    const warnings = secureDataDirectory(data);
    expect(warnings).toHaveLength(2);
    expect(warnings.join("\n")).toMatch(/data.*0755/);
    expect(warnings.join("\n")).toMatch(/console\.duckdb.*0644/);
    expect(mode(data)).toBe(0o700);
    expect(mode(path.join(data, "console.duckdb"))).toBe(0o600);
    expect(secureDataDirectory(data)).toEqual([]);
  });
});
