import { describe, expect, it } from "vitest";

import { isSameOriginCallback, redirectWithinOrigin, safeCallbackPath } from "./callback-url";

describe("where sign-in sends the browser back to", () => {
  it.each(["/\\evil.example/", "/\\/evil.example", "/\t/evil.example", "//evil.example", "https://evil.example/", decodeURIComponent("/%5Cevil.example"), "javascript:alert(1)", "\\\\evil.example"])("refuses %j: it leaves the console's origin", (value) => {
    expect(safeCallbackPath(value)).toBe("/");
    expect(isSameOriginCallback(value, "http://localhost:3000")).toBe(false);
  });

  it("keeps a same-origin path with its query, normalised", () => {
    expect(safeCallbackPath("/breakers?processor=player_daily_cache#top")).toBe("/breakers?processor=player_daily_cache#top");
    expect(safeCallbackPath("/entities/lebronjames")).toBe("/entities/lebronjames");
    expect(safeCallbackPath(undefined)).toBe("/");
  });

  it("next-auth's redirect callback stays on the base origin and never throws", () => {
    const baseUrl = "http://localhost:3000";
    expect(redirectWithinOrigin({ url: "/\\evil.example/", baseUrl })).toBe(baseUrl);
    expect(redirectWithinOrigin({ url: "//evil.example", baseUrl })).toBe(baseUrl);
    expect(redirectWithinOrigin({ url: "not a url at all", baseUrl })).toBe(`${baseUrl}/not%20a%20url%20at%20all`);
    expect(redirectWithinOrigin({ url: "http://localhost:3000/breakers", baseUrl })).toBe("http://localhost:3000/breakers");
    expect(redirectWithinOrigin({ url: "/breakers", baseUrl })).toBe("http://localhost:3000/breakers");
  });
});
