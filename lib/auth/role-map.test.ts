import { describe, expect, it } from "vitest";

import { parseDomains, parseRoleMap, roleForEmail } from "./role-map";
import { SignInLimiter, MAX_FAILURES, WINDOW_MS } from "./rate-limit";
import { CAN, hasRole } from "./roles";

describe("role mapping", () => {
  const map = parseRoleMap("Lead@NBA.example=admin, oncall@nba.example=operator, partner.example=viewer");
  const domains = parseDomains("nba.example, @partner.example");

  it("gives an exact e-mail its role before its domain's, and unlisted allowed users viewer", () => {
    expect(roleForEmail("lead@nba.example", domains, map)).toBe("admin");
    expect(roleForEmail("ONCALL@nba.example", domains, map)).toBe("operator");
    expect(roleForEmail("someone@nba.example", domains, map)).toBe("viewer");
    expect(roleForEmail("x@partner.example", domains, map)).toBe("viewer");
  });

  it("refuses addresses outside the allowed domains, and look-alike domains", () => {
    expect(roleForEmail("lead@evil.example", domains, map)).toBeNull();
    expect(roleForEmail("lead@nba.example.evil.com", domains, map)).toBeNull();
    expect(roleForEmail("not-an-email", domains, map)).toBeNull();
  });

  it("rejects a malformed entry with a message naming it", () => {
    expect(() => parseRoleMap("x.example=superuser")).toThrow(/x.example=superuser/);
  });

  it("orders roles", () => {
    expect(hasRole("admin", "operator")).toBe(true);
    expect(hasRole("viewer", "operator")).toBe(false);
    expect([CAN.override("viewer"), CAN.override("operator"), CAN.reset("operator"), CAN.reset("admin")]).toEqual([false, true, false, true]);
  });
});

describe("failed sign-in limiter", () => {
  it("locks a name and address after repeated failures, until the window passes", () => {
    let now = 0;
    const limiter = new SignInLimiter(() => now);
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(limiter.isLocked("admin|1.2.3.4")).toBe(false);
      limiter.recordFailure("admin|1.2.3.4");
    }
    expect(limiter.isLocked("admin|1.2.3.4")).toBe(true);
    expect(limiter.isLocked("admin|5.6.7.8")).toBe(false);
    now += WINDOW_MS + 1;
    expect(limiter.isLocked("admin|1.2.3.4")).toBe(false);
  });

  it("forgets failures after a success", () => {
    const limiter = new SignInLimiter(() => 0);
    limiter.recordFailure("k");
    limiter.recordSuccess("k");
    for (let i = 0; i < MAX_FAILURES - 1; i++) limiter.recordFailure("k");
    expect(limiter.isLocked("k")).toBe(false);
  });
});
