/**
 * Hostile requests against the built console over real sockets (what a unit test of a handler
 * cannot see: Next's own request handling, the request gate, the proxy): spoofed addresses,
 * foreign hosts, open redirects, slow anonymous bodies, unknown methods, malformed paths — and
 * a property-based sweep of every route's path and query parameters that must never get a 5xx.
 */
import { request as httpRequest } from "node:http";
import { networkInterfaces } from "node:os";

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type RunningConsole, TEST_AUTH_SECRET, type TempDatabase, prepareDatabase, startConsole } from "@/test/support/console-server";
import { sessionCookie } from "@/test/support/session";

let db: TempDatabase;
let server: RunningConsole;
let viewer: string;

beforeAll(async () => {
  db = await prepareDatabase();
  server = await startConsole({ dbPath: db.path, listen: "0.0.0.0" });
  viewer = await sessionCookie("viewer", "viewer", Date.now(), TEST_AUTH_SECRET);
});

afterAll(async () => {
  await server?.stop();
  db?.remove();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request exactly as written (any method, any Host), from `address` (default loopback). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  options: { address?: string; body?: string; slowBody?: { declared: number; chunk: string } } = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: options.address ?? "127.0.0.1", port: server.port, method, path, headers: { host: `localhost:${server.port}`, ...headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", (error) => (options.slowBody ? undefined : reject(error)));
    if (options.slowBody) {
      req.setHeader("content-length", String(options.slowBody.declared));
      req.write(options.slowBody.chunk); // the rest never comes
    } else {
      if (options.body !== undefined) {
        req.setHeader("content-length", String(Buffer.byteLength(options.body)));
        req.write(options.body);
      }
      req.end();
    }
  });
}

function expectSecurityHeaders(res: Raw) {
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
  expect(String(res.headers["content-security-policy"])).toContain("frame-ancestors 'none'");
}

/** An address of this machine that is not loopback, so the socket is not a local one. */
function outsideAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  return undefined;
}

describe("addresses come from the socket", () => {
  it("serves /metrics to loopback, and not to a remote client writing 127.0.0.1 into X-Forwarded-For and Host", async () => {
    expect((await raw("GET", "/metrics")).status).toBe(200);
    const address = outsideAddress();
    expect(address, "this machine needs a non-loopback IPv4 address for this test").toBeDefined();
    const forged = await raw("GET", "/metrics", { "x-forwarded-for": "127.0.0.1", host: `localhost:${server.port}` }, { address });
    expect(forged.status).toBe(403);
  });
});

describe("hosts", () => {
  it("refuses a foreign Host (DNS rebinding) with 421, also for an API write whose Origin matches it", async () => {
    const host = `rebind.attacker.example:${server.port}`;
    expect((await raw("GET", "/api/v1/audit", { host, cookie: viewer })).status).toBe(421);
    const write = await raw("POST", "/api/v1/breakers/override", { host, origin: `http://${host}`, cookie: viewer, "content-type": "application/json" }, { body: "{}" });
    expect(write.status).toBe(421);
    expectSecurityHeaders(write);
  });
});

describe("after sign-in", () => {
  it.each(["/\\evil.example/", "/\\/evil.example", "/\t/evil.example"])("never redirects off the console (callbackUrl %j)", async (callback) => {
    const res = await raw("GET", `/login?callbackUrl=${encodeURIComponent(callback)}`, { cookie: viewer });
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe("/");
  });

  it("answers next-auth's callbackUrl=//evil with 400, not 500", async () => {
    const res = await raw("GET", "/api/auth/signin?callbackUrl=%2F%2Fevil.example");
    expect(res.status).toBe(400);
  });
});

describe("bodies are refused before they are read", () => {
  it("answers an anonymous 5 MB body that never finishes at once (401 or 413), without waiting for it", async () => {
    const started = Date.now();
    const res = await Promise.race([
      raw("POST", "/api/v1/breakers/override", { "content-type": "application/json" }, { slowBody: { declared: 5 * 1024 * 1024, chunk: "{".repeat(1024) } }),
      new Promise<Raw>((resolve) => setTimeout(() => resolve({ status: 0, headers: {}, body: "no answer in 5 s" }), 5_000)),
    ]);
    expect([401, 413]).toContain(res.status);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("answers an anonymous small body with 401 before reading it", async () => {
    const res = await Promise.race([
      raw("POST", "/api/v1/breakers/override", { "content-type": "application/json" }, { slowBody: { declared: 2048, chunk: "{" } }),
      new Promise<Raw>((resolve) => setTimeout(() => resolve({ status: 0, headers: {}, body: "no answer in 5 s" }), 5_000)),
    ]);
    expect(res.status).toBe(401);
  });
});

describe("bodies behind a forged session are refused before they are read", () => {
  // Present, but not a session this console issued: garbage, and a token signed with another secret.
  const forged = () => ["next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.forged.forged.forged.forged", sessionCookie("admin", "admin", Date.now(), "another-secret-another-secret-another-secret")];

  it.each([0, 1])("answers a forged cookie (%i) sending a 5 MB body slowly with 401, before the body is sent", async (which) => {
    const cookie = await forged()[which]!;
    const started = Date.now();
    const res = await Promise.race([
      raw("POST", "/api/v1/breakers/override", { "content-type": "application/json", cookie }, { slowBody: { declared: 5 * 1024 * 1024, chunk: "{".repeat(1024) } }),
      new Promise<Raw>((resolve) => setTimeout(() => resolve({ status: 0, headers: {}, body: "no answer in 5 s" }), 5_000)),
    ]);
    expect(res.status).toBe(401);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("answers a forged cookie sending a small body that never finishes with 401, also for a page (server action)", async () => {
    const cookie = await forged()[1]!;
    for (const [path, extra] of [["/api/v1/breakers/override", {}], ["/breakers", { "next-action": "00c0ffee", origin: `http://localhost:${server.port}` }]] as const) {
      const res = await Promise.race([
        raw("POST", path, { "content-type": "application/json", cookie, ...extra }, { slowBody: { declared: 2048, chunk: "{" } }),
        new Promise<Raw>((resolve) => setTimeout(() => resolve({ status: 0, headers: {}, body: "no answer in 5 s" }), 5_000)),
      ]);
      expect(res.status, path).toBe(401);
    }
  });

  it("answers an unknown bearer token sending a body that never finishes with 401", async () => {
    const res = await Promise.race([
      raw("POST", "/api/v1/breakers/override", { "content-type": "application/json", authorization: `Bearer cct_${"x".repeat(43)}` }, { slowBody: { declared: 2048, chunk: "{" } }),
      new Promise<Raw>((resolve) => setTimeout(() => resolve({ status: 0, headers: {}, body: "no answer in 5 s" }), 5_000)),
    ]);
    expect(res.status).toBe(401);
  });

  it("still reads the body of a valid session", async () => {
    const res = await raw("POST", "/api/v1/breakers/override", { "content-type": "application/json", cookie: viewer, origin: `http://localhost:${server.port}` }, { body: "{}" });
    expect(res.status).toBe(403); // a viewer may not override: the route ran
  });
});

describe("every bad input is a 4xx with the usual headers", () => {
  it("TRACE is 405", async () => {
    const res = await raw("TRACE", "/");
    expect(res.status).toBe(405);
    expectSecurityHeaders(res);
    expect(server.output()).not.toMatch(/TRACE[\s\S]*at .*\(/);
  });

  it("a broken percent-encoding in an API path is 400 JSON", async () => {
    const res = await raw("GET", "/api/v1/entities/%E0%A4%A", { cookie: viewer });
    expect(res.status).toBe(400);
    expect(String(res.headers["content-type"])).toContain("application/json");
    expectSecurityHeaders(res);
  });

  it("a year-1 `now` is 400", async () => {
    const res = await raw("GET", "/api/v1/monitoring/health?now=0001-01-01T00:00:00Z", { cookie: viewer });
    expect(res.status).toBe(400);
  });

  it("a server action posted from another origin is 403", async () => {
    const res = await raw("POST", "/breakers", { cookie: viewer, origin: "http://evil.example", "next-action": "00c0ffee", "content-type": "text/plain;charset=UTF-8" }, { body: "[]" });
    expect(res.status).toBe(403);
    expectSecurityHeaders(res);
  });

  it("an unknown monitoring name is 401 for an anonymous caller, without the list of names", async () => {
    const res = await raw("GET", "/api/v1/monitoring/no-such-query");
    expect(res.status).toBe(401);
    expect(res.body).not.toContain("active-breakers");
  });

  it("no route answers a 5xx to any path or query parameters (property-based)", async () => {
    const segment = fc.oneof(
      fc.string({ unit: "binary", maxLength: 12 }).map(encodeURIComponent),
      fc.constantFrom("%E0%A4%A", "%", "%zz", "..", "%2e%2e", "%00", "lebronjames", "LAL", "LAL_2026-01-10", "health", "a".repeat(300)),
    );
    const value = fc.oneof(
      fc.string({ unit: "binary", maxLength: 16 }).map(encodeURIComponent),
      fc.constantFrom("0001-01-01T00:00:00Z", "9999-12-31", "2026-02-30", "2026-01-10", "-1", "NaN", "%E0%A4%A", "player_daily_cache", "csv", "[]", "1e309"),
    );
    const names = fc.constantFrom("as_of", "now", "date", "processor", "format", "hide", "readiness", "trends", "actor", "action", "date_from", "date_to", "page", "sort", "q", "callbackUrl", "error", "audit_id", "reset_request_id", "x");
    const query = fc.array(fc.tuple(names, value), { maxLength: 4 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));
    const routes: ((s: string) => string)[] = [
      () => "/",
      () => "/breakers",
      () => "/breakers/bulk",
      () => "/trends",
      () => "/entities",
      (s) => `/entities/${s}`,
      () => "/audit",
      () => "/login",
      () => "/metrics",
      () => "/api/health",
      () => "/api/v1/audit",
      () => "/api/v1/thresholds",
      () => "/api/v1/tokens",
      () => "/api/v1/openapi.json",
      () => "/api/v1/breakers/restore",
      (s) => `/api/v1/monitoring/${s}`,
      (s) => `/api/v1/entities/${s}`,
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: routes.length - 1 }), segment, query, fc.boolean(), async (i, s, q, signedIn) => {
        const path = `${routes[i]!(s)}${q}`;
        const res = await raw("GET", path, signedIn ? { cookie: viewer } : {});
        expect(res.status, `${path} → ${res.status}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
        if (res.status >= 400 && path.startsWith("/api/")) expect(String(res.headers["content-type"]), path).toContain("application/json");
      }),
      { numRuns: Number(process.env.ROUTE_FUZZ_RUNS ?? 300), seed: 20_261_207 },
    );
  }, 300_000);
});
