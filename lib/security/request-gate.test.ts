import { describe, expect, it } from "vitest";

import { MAX_BODY_BYTES, gateRefusal, mustVerifyCredentials } from "./request-gate";

const SESSION = "next-auth.session-token=eyJhbGciOi";

describe("the request gate, before any body is read", () => {
  it("answers methods the console does not serve with 405", () => {
    expect(gateRefusal("TRACE", "/", {})).toMatchObject({ status: 405 });
    expect(gateRefusal("PUT", "/api/v1/audit", { "content-length": "2" })).toMatchObject({ status: 405 });
  });

  it("refuses an anonymous body for the API or a page with 401, whatever its size", () => {
    expect(gateRefusal("POST", "/api/v1/breakers/override", { "content-length": String(5 * 1024 * 1024) })).toMatchObject({ status: 401 });
    expect(gateRefusal("POST", "/api/v1/breakers/override", { "transfer-encoding": "chunked" })).toMatchObject({ status: 401 });
    expect(gateRefusal("POST", "/api/v1/breakers/override", { "content-length": "200" })).toMatchObject({ status: 401 });
    expect(gateRefusal("POST", "/breakers", { "content-length": "200", "next-action": "abc" })).toMatchObject({ status: 401 });
  });

  it("refuses a body over the limit by its Content-Length, and a streamed one", () => {
    expect(gateRefusal("POST", "/api/v1/breakers/override", { "content-length": String(MAX_BODY_BYTES + 1), cookie: SESSION })).toMatchObject({ status: 413 });
    expect(gateRefusal("POST", "/api/v1/breakers/override", { "transfer-encoding": "chunked", cookie: SESSION })).toMatchObject({ status: 411 });
    expect(gateRefusal("POST", "/api/auth/callback/demo", { "content-length": String(64 * 1024) })).toMatchObject({ status: 413 });
  });

  it("lets through what may be read: sign-in forms, credentialed bodies, bodiless requests", () => {
    expect(gateRefusal("POST", "/api/auth/callback/demo?x=1", { "content-length": "300" })).toBeNull();
    expect(gateRefusal("POST", "/api/v1/breakers/override", { "content-length": "300", cookie: `theme=dark; ${SESSION}` })).toBeNull();
    expect(gateRefusal("POST", "/api/v1/breakers/override", { "content-length": "300", authorization: "Bearer cct_x" })).toBeNull();
    expect(gateRefusal("GET", "/api/v1/audit", {})).toBeNull();
    expect(gateRefusal("POST", "/api/v1/tokens/revoke", {})).toBeNull();
  });

  it("has the credentials of every body but sign-in's verified before it goes on, and never holds back a bodiless request", () => {
    expect(mustVerifyCredentials("POST", "/api/v1/breakers/override", { "content-length": "300", cookie: SESSION })).toBe(true);
    expect(mustVerifyCredentials("POST", "/breakers", { "content-length": "300", cookie: SESSION, "next-action": "abc" })).toBe(true);
    expect(mustVerifyCredentials("POST", "/api/v1/breakers/override", { "transfer-encoding": "chunked", cookie: SESSION })).toBe(true);
    expect(mustVerifyCredentials("POST", "/api/auth/callback/demo", { "content-length": "300" })).toBe(false);
    expect(mustVerifyCredentials("POST", "/api/v1/tokens/revoke", { "content-length": "0", cookie: SESSION })).toBe(false);
    expect(mustVerifyCredentials("GET", "/api/v1/audit", { cookie: SESSION })).toBe(false);
  });
});
