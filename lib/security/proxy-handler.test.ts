/**
 * The proxy's refusals: every bad request is a 4xx with the security headers, decided before
 * any page or route runs.
 */
import { hostname } from "node:os";

import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";

import { hostPolicy, isAllowedHost } from "./allowed-hosts";

let handleRequest: typeof import("./proxy-handler").handleRequest;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.NEXTAUTH_URL = "http://localhost:3000";
  ({ handleRequest } = await import("./proxy-handler"));
});

const run = (url: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
  handleRequest(new NextRequest(url, { method: init.method ?? "GET", headers: { host: new URL(url).host, ...init.headers } }), { dev: false });

function expectSecurityHeaders(res: Response) {
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
}

describe("hosts", () => {
  it("refuses a Host that is not the console's (a DNS-rebinding page) with 421", async () => {
    const res = await run("http://rebind.attacker.example:3000/api/v1/audit", { headers: { origin: "http://rebind.attacker.example:3000" } });
    expect(res.status).toBe(421);
    expectSecurityHeaders(res);
  });

  it("accepts NEXTAUTH_URL's host, and this machine's loopback names and host name on the embedded demo", async () => {
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", `${hostname()}:3000`]) {
      const res = await run(`http://${host}/login`);
      expect(res.status, host).toBeLessThan(400);
    }
  });
});

describe("the origin sign-in returns to", () => {
  it("refuses a forged X-Forwarded-Host with 421, even beside an allowed Host", async () => {
    const res = await run("http://127.0.0.1:3000/api/auth/csrf", { headers: { "x-forwarded-host": "evil.example" } });
    expect(res.status).toBe(421);
    expectSecurityHeaders(res);
    expect((await run("http://127.0.0.1:3000/login", { headers: { "x-forwarded-host": "evil.example:3000" } })).status).toBe(421);
  });

  // next-auth builds its redirects from these two headers when NEXTAUTH_URL is unset; the proxy
  // passes on only what it checked (Next sends them to the route as x-middleware-request-*).
  it("passes on the host the browser used (or a checked X-Forwarded-Host) and the protocol, http unless https was used", async () => {
    for (const host of ["127.0.0.1:4123", "localhost:4123", `${hostname()}:4123`]) {
      const res = await run(`http://${host}/api/auth/csrf`);
      expect(res.headers.get("x-middleware-request-x-forwarded-host"), host).toBe(host);
      expect(res.headers.get("x-middleware-request-x-forwarded-proto"), host).toBe("http");
    }
    const behindTls = await run("http://127.0.0.1:4123/api/auth/csrf", { headers: { "x-forwarded-proto": "https", "x-forwarded-host": "localhost:8443" } });
    expect(behindTls.headers.get("x-middleware-request-x-forwarded-host")).toBe("localhost:8443");
    expect(behindTls.headers.get("x-middleware-request-x-forwarded-proto")).toBe("https");
  });

  it("answers on the embedded demo to this machine's network addresses (the URL `next start` prints), never on BigQuery", () => {
    const options = { allowedHosts: "", machineHostname: "build-7", machineAddresses: ["10.1.2.3", "fd00::12"] };
    const demo = hostPolicy({ ...options, embedded: true });
    expect(isAllowedHost("10.1.2.3:3000", demo)).toBe(true);
    expect(isAllowedHost("[fd00::12]:3000", demo)).toBe(true);
    expect(isAllowedHost("10.1.2.4:3000", demo)).toBe(false);
    expect(isAllowedHost("rebind.attacker.example:3000", demo)).toBe(false);
    const bigquery = hostPolicy({ ...options, embedded: false, nextAuthUrl: "https://console.example.com" });
    expect(isAllowedHost("10.1.2.3:3000", bigquery)).toBe(false);
    expect(isAllowedHost("console.example.com", bigquery)).toBe(true);
  });
});

describe("methods and malformed requests", () => {
  // TRACE cannot even be built as a fetch Request: the request gate answers it (request-gate.test.ts).
  it.each(["PUT", "PATCH", "DELETE", "PROPFIND"])("answers %s with 405 and Allow", async (method) => {
    const res = await run("http://localhost:3000/", { method });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, POST");
    expectSecurityHeaders(res);
  });

  it("answers a path with broken percent-encoding with 400 JSON under /api", async () => {
    const res = await run("http://localhost:3000/api/v1/entities/%E0%A4%A");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/json");
    expectSecurityHeaders(res);
  });

  it("refuses a server action posted from another origin with 403", async () => {
    const res = await run("http://localhost:3000/breakers", {
      method: "POST",
      headers: { origin: "http://evil.example", "next-action": "0123abcd", "content-type": "text/plain" },
    });
    expect(res.status).toBe(403);
    expectSecurityHeaders(res);
  });

  it("refuses a server action posted as a plain form (no script, no next-action header) from another origin, or with none", async () => {
    const form = { method: "POST", headers: { origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" }, body: "$ACTION_ID_0123abcd=" };
    expect((await run("http://localhost:3000/breakers", form)).status).toBe(403);
    expect((await run("http://localhost:3000/breakers", { ...form, headers: { "content-type": "application/x-www-form-urlencoded" } })).status).toBe(403);
    // The console's own origin goes on to Next.
    expect((await run("http://localhost:3000/breakers", { ...form, headers: { ...form.headers, origin: "http://localhost:3000" } })).status).not.toBe(403);
  });
});
