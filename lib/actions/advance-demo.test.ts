/**
 * The demo's pass is refused on BigQuery before anything is opened or read: there the real
 * pipeline runs and no season is simulated. (The embedded cases run in lib/demo/advance.int.test.ts.)
 */
import { describe, expect, it, vi } from "vitest";

const opened = vi.fn();
vi.mock("@/lib/env", () => ({ getEnv: () => ({ WAREHOUSE: "bigquery", EMBEDDED_DB_PATH: "data/console.duckdb" }) }));
vi.mock("@/lib/warehouse", () => ({ getWarehouse: () => opened() }));
vi.mock("@/lib/demo/advance", () => ({ advanceEmbeddedDemo: (...args: unknown[]) => opened(...args) }));

const { advanceDemo } = await import("./advance-demo");
const { authenticated } = await import("@/lib/auth/session");
const as = (role: "admin" | "operator", name: string) => authenticated({ name, role, via: "token" });

describe("advanceDemo on BigQuery", () => {
  it("answers not_found to an admin and touches no warehouse", async () => {
    const result = await advanceDemo.runAs(as("admin", "lead"), {});
    expect(result).toMatchObject({ ok: false, code: "not_found" });
    expect(opened).not.toHaveBeenCalled();
  });

  it("refuses an operator before that (the role comes first)", async () => {
    expect(await advanceDemo.runAs(as("operator", "oncall"), {})).toMatchObject({ ok: false, code: "forbidden" });
  });

  it("takes no input: a clock sent by the client is refused", async () => {
    expect(await advanceDemo.runAs(as("admin", "lead"), { now: "2030-01-01T00:00:00Z" })).toMatchObject({ ok: false, code: "invalid" });
  });
});
