import { describe, expect, it } from "vitest";

import { parseEnv } from "@/lib/env";

import { demoPasswordsToShow } from "./demo-accounts";

const bigquery = { WAREHOUSE: "bigquery", BIGQUERY_PROJECT: "p", NEXTAUTH_SECRET: "s".repeat(32), AUTH_DEMO_ACCOUNTS: "true" };
const configured = { DEMO_PASSWORD_VIEWER: "viewer-configured", DEMO_PASSWORD_OPERATOR: "operator-configured", DEMO_PASSWORD_ADMIN: "admin-configured" };

describe("demo passwords on the sign-in page", () => {
  it("shows the built-in defaults on the embedded demo", () => {
    expect(demoPasswordsToShow(parseEnv({}))).toEqual({ viewer: "viewer-demo", operator: "operator-demo", admin: "admin-demo" });
  });

  it("never shows a configured password, even on the embedded demo", () => {
    expect(demoPasswordsToShow(parseEnv(configured))).toBeNull();
    expect(demoPasswordsToShow(parseEnv({ DEMO_PASSWORD_ADMIN: "admin-configured" }))).toBeNull();
  });

  it("never shows passwords on BigQuery", () => {
    expect(demoPasswordsToShow(parseEnv({ ...bigquery, ...configured }))).toBeNull();
  });

  it("refuses the publicly known default passwords on BigQuery: they would sign anyone in", () => {
    expect(() => parseEnv(bigquery)).toThrow(/DEMO_PASSWORD_VIEWER.*BigQuery/);
    expect(() => parseEnv({ ...bigquery, ...configured, DEMO_PASSWORD_ADMIN: "admin-demo" })).toThrow(/DEMO_PASSWORD_ADMIN/);
    expect(parseEnv({ ...bigquery, ...configured }).WAREHOUSE).toBe("bigquery");
  });
});
