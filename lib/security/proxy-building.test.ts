/**
 * The proxy while `npm start` builds the demo database: pages show the build's progress at the
 * URL asked for, sign-in and Next's assets work, /api/health goes to its route, every other API
 * answers 503 in the one error shape with a Retry-After — and nothing of it once the build is over.
 */
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";

import { errorBody } from "@/lib/errors";
import type { BuildStatus } from "@/lib/warehouse/build-status";

let handleRequest: typeof import("./proxy-handler").handleRequest;
const SECRET = "test-secret-test-secret-test-secret-0123456789";

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.NEXTAUTH_URL = "http://localhost:3000";
  ({ handleRequest } = await import("./proxy-handler"));
});

const building: BuildStatus = {
  state: "building",
  pid: process.pid,
  startedAt: "2026-12-07T10:00:00.000Z",
  updatedAt: "2026-12-07T10:00:20.000Z",
  step: "simulating the pipeline night by night",
  nights: { done: 42, total: 139 },
  date: "2026-08-31",
};

function run(path: string, init: { method?: string; headers?: Record<string, string>; build?: BuildStatus | null } = {}) {
  const url = `http://localhost:3000${path}`;
  const request = new NextRequest(url, { method: init.method ?? "GET", headers: { host: "localhost:3000", ...init.headers } });
  const build = init.build === undefined ? building : init.build;
  return handleRequest(request, { dev: false, build: () => build });
}

async function sessionCookie(): Promise<string> {
  const now = Date.now();
  const token = await encode({ token: { name: "viewer", role: "viewer", loginAt: now, lastSeen: now, sid: "s-1" }, secret: SECRET, maxAge: 3600 });
  return `next-auth.session-token=${token}`;
}

/** Where Next is told to render instead (a rewrite), or null. */
const rewrittenTo = (res: Response) => {
  const target = res.headers.get("x-middleware-rewrite");
  return target ? new URL(target).pathname : null;
};

describe("while the demo database is built", () => {
  it("shows the progress page at every page's URL, signed in or not, never cached", async () => {
    for (const path of ["/", "/breakers?processor=ml_feature_store", "/entities/player/lebron"]) {
      const anonymousAndSignedIn: Record<string, string>[] = [{}, { cookie: await sessionCookie() }];
      for (const headers of anonymousAndSignedIn) {
        const res = await run(path, { headers });
        expect(res.status, path).toBe(200);
        expect(rewrittenTo(res), path).toBe("/starting");
        expect(res.headers.get("cache-control")).toBe("no-store");
        expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      }
    }
  });

  it("serves the progress page itself and sign-in to anonymous visitors", async () => {
    const starting = await run("/starting");
    expect(starting.status).toBe(200);
    expect(rewrittenTo(starting)).toBeNull();
    expect(starting.headers.get("location")).toBeNull();
    const login = await run("/login");
    expect(rewrittenTo(login)).toBeNull();
    expect(login.headers.get("location")).toBeNull();
    for (const path of ["/api/auth/csrf", "/api/auth/providers", "/api/auth/session"]) {
      const res = await run(path);
      expect(res.status, path).toBe(200);
      expect(rewrittenTo(res), path).toBeNull();
    }
    const signIn = await run("/api/auth/callback/demo", { method: "POST", headers: { origin: "http://localhost:3000" } });
    expect(signIn.status).toBe(200);
    expect(rewrittenTo(signIn)).toBeNull();
  });

  it("sends a signed-in visitor of /login to the progress page (the page would read the database)", async () => {
    const res = await run("/login", { headers: { cookie: await sessionCookie() } });
    expect(rewrittenTo(res)).toBe("/starting");
  });

  it("lets /api/health reach its route, which reports the build", async () => {
    const res = await run("/api/health");
    expect(res.status).toBe(200);
    expect(rewrittenTo(res)).toBeNull();
  });

  it("answers every other API call and /metrics 503 with a Retry-After, in the one error shape", async () => {
    for (const [path, method] of [["/api/v1/breakers/active", "GET"], ["/api/v1/overrides", "POST"], ["/api/v1/demo/advance", "POST"]] as const) {
      const res = await run(path, { method, headers: { origin: "http://localhost:3000", cookie: await sessionCookie() } });
      expect(res.status, path).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      const body = errorBody.parse(await res.json());
      expect(body).toMatchObject({ ok: false, code: "unavailable" });
      expect(body.error).toContain("night 42 of 139");
    }
    const metrics = await run("/metrics");
    expect(metrics.status).toBe(503);
    expect(metrics.headers.get("retry-after")).toBe("5");
  });

  it("refuses a server action posted to a page rather than rendering the progress page for it", async () => {
    const res = await run("/breakers", { method: "POST", headers: { origin: "http://localhost:3000", "next-action": "abc" } });
    expect(res.status).toBe(503);
  });

  it("says a failed build failed", async () => {
    const res = await run("/api/v1/breakers/active", { build: { ...building, state: "failed", nights: null } });
    expect(res.status).toBe(503);
    expect((await res.json()).error).toMatch(/could not be built/);
    expect(rewrittenTo(await run("/", { build: { ...building, state: "failed" } }))).toBe("/starting");
  });

  it("still refuses what it always refuses (another host) before anything else", async () => {
    const res = await handleRequest(new NextRequest("http://evil.example/", { headers: { host: "evil.example" } }), { dev: false, build: () => building });
    expect(res.status).toBe(421);
  });
});

describe("once the build is over", () => {
  it("sends pages to sign-in or the console again, and the API to its routes", async () => {
    const anonymous = await run("/", { build: null });
    expect(anonymous.status).toBe(307);
    expect(new URL(anonymous.headers.get("location")!).pathname).toBe("/login");
    const signedIn = await run("/", { build: null, headers: { cookie: await sessionCookie() } });
    expect(rewrittenTo(signedIn)).toBeNull();
    expect(signedIn.headers.get("location")).toBeNull();
    const api = await run("/api/v1/breakers/active", { build: null });
    expect(api.status).toBe(200);
    expect(api.headers.get("retry-after")).toBeNull();
  });
});
