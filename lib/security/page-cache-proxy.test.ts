/**
 * The page cache as the proxy runs it, over real HTTP: a local server stands where Next listens.
 * For each request it gets it runs the proxy first, as Next does, and answers a page whose scripts
 * carry the nonce the proxy gave that request (as Next's render does), showing whom it was
 * rendered for. So the loopback render, its marker and the proxy's handling of both are the
 * production code; only the page's rendering is this small server's.
 */
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { decode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { keepSignOutsInMemory, sessionCookie } from "@/test/support/session";

const SECRET = "test-secret-test-secret-test-secret-0123456789";

let handleRequest: typeof import("./proxy-handler").handleRequest;
let pageCache: typeof import("./page-cache");
let server: Server;
let port: string;
/** What the server saw: the marker header of each request, and what the proxy made of it. */
const seen: { marker: string | null; proxied: "next" | "other"; forwardedMarker: boolean }[] = [];

function toNextRequest(req: IncomingMessage): NextRequest {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  return new NextRequest(new URL(req.url ?? "/", `http://${req.headers.host}`), { method: req.method, headers });
}

beforeAll(async () => {
  keepSignOutsInMemory();
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.NEXTAUTH_URL = "http://localhost:3000";
  ({ handleRequest } = await import("./proxy-handler"));
  pageCache = await import("./page-cache");
  server = createServer(async (req, res) => {
    const proxied = await handleRequest(toNextRequest(req), { dev: false, port });
    const csp = proxied.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    seen.push({
      marker: req.headers["x-page-cache-render"] as string | null ?? null,
      proxied: proxied.headers.get("x-middleware-next") ? "next" : "other",
      forwardedMarker: (proxied.headers.get("x-middleware-override-headers") ?? "").includes("x-page-cache-render"),
    });
    const raw = /next-auth\.session-token=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    const token = raw ? await decode({ token: raw, secret: SECRET }) : null;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": csp, "set-cookie": "captured=1" });
    res.end(`<html><head><script nonce="${nonce}" src="/a.js"></script></head><body>Signed in as ${String(token?.name)} (${String(token?.role)})<script nonce="${nonce}">1</script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = String((server.address() as AddressInfo).port);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  pageCache.clearPageCache();
  seen.length = 0;
});

async function overview(cookie: string, headers: Record<string, string> = {}) {
  const host = `127.0.0.1:${port}`;
  const res = await handleRequest(new NextRequest(`http://${host}/`, { headers: { host, cookie, accept: "text/html", ...headers } }), { dev: false, port });
  const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
  return { res, nonce, body: res.headers.get("x-middleware-next") ? null : await res.text() };
}

/** Every nonce attribute in `body`. */
const noncesIn = (body: string) => [...body.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]);

describe("the proxy with the page cache", () => {
  it("renders the overview once over loopback, marked, and that render goes to Next unchanged", async () => {
    const cookie = await sessionCookie("viewer", "Vera", Date.now(), SECRET);
    const first = await overview(cookie);
    expect(first.res.headers.get("x-render-cache")).toBe("miss");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.marker).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(seen[0]!.proxied).toBe("next");
    expect(seen[0]!.forwardedMarker).toBe(false);
    expect(pageCache.isInternalRender(new Headers({ "x-page-cache-render": seen[0]!.marker! }))).toBe(true);
    expect(first.body).toContain("Signed in as Vera (viewer)");
    expect(noncesIn(first.body!)).toEqual([first.nonce, first.nonce]);
  });

  it("answers the same viewer again from the cache with a new nonce everywhere, and none of the render's headers", async () => {
    const cookie = await sessionCookie("viewer", "Vera", Date.now(), SECRET);
    const first = await overview(cookie);
    const second = await overview(cookie);
    expect(second.res.headers.get("x-render-cache")).toBe("hit");
    expect(seen).toHaveLength(1);
    expect(second.nonce).not.toBe(first.nonce);
    expect(noncesIn(second.body!)).toEqual([second.nonce, second.nonce]);
    expect(second.body!.replaceAll(second.nonce!, "N")).toBe(first.body!.replaceAll(first.nonce!, "N"));
    expect(second.res.headers.get("set-cookie")).toBeNull();
    expect(second.res.headers.get("cache-control")).toBe("private, no-store");
    expect(second.res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("gives each viewer a page with their own name and role", async () => {
    const vera = await overview(await sessionCookie("viewer", "Vera", Date.now(), SECRET));
    const otto = await overview(await sessionCookie("operator", "Otto", Date.now(), SECRET));
    const olga = await overview(await sessionCookie("operator", "Olga", Date.now(), SECRET));
    const veraAsOperator = await overview(await sessionCookie("operator", "Vera", Date.now(), SECRET));
    expect(vera.body).toContain("Signed in as Vera (viewer)");
    expect(otto.body).toContain("Signed in as Otto (operator)");
    expect(olga.body).toContain("Signed in as Olga (operator)");
    expect(veraAsOperator.body).toContain("Signed in as Vera (operator)");
    expect(seen).toHaveLength(4);
  });

  it("treats a marker sent from outside as any other header: checked, cached as usual, never passed on", async () => {
    const cookie = await sessionCookie("viewer", "Vera", Date.now(), SECRET);
    const forged = await overview(cookie, { "x-page-cache-render": "A".repeat(43) });
    expect(forged.res.headers.get("x-render-cache")).toBe("miss");
    expect(seen[0]!.marker).not.toBe("A".repeat(43));
    const host = `127.0.0.1:${port}`;
    const api = await handleRequest(new NextRequest(`http://${host}/api/health`, { headers: { host, cookie, "x-page-cache-render": "A".repeat(43) } }), { dev: false, port });
    expect(api.headers.get("x-middleware-override-headers")).not.toContain("x-page-cache-render");
  });

  it("sends an expired or signed-out session to sign-in before the cache is consulted", async () => {
    const cookie = await sessionCookie("viewer", "Vera", Date.now(), SECRET);
    await overview(cookie);
    const expired = await overview(await sessionCookie("viewer", "Vera", Date.now() - 9 * 3600_000, SECRET));
    expect(expired.res.status).toBe(307);
    expect(expired.res.headers.get("location")).toContain("/login");
    expect(expired.res.headers.get("x-render-cache")).toBeNull();
    const anonymous = await overview("");
    expect(anonymous.res.status).toBe(307);
    expect(seen).toHaveLength(1);
  });

  it("without the server's port (not started by `next start`) leaves every request to Next", async () => {
    const cookie = await sessionCookie("viewer", "Vera", Date.now(), SECRET);
    const host = `127.0.0.1:${port}`;
    const res = await handleRequest(new NextRequest(`http://${host}/`, { headers: { host, cookie, accept: "text/html" } }), { dev: false });
    expect(res.headers.get("x-middleware-next")).toBe("1");
    expect(seen).toHaveLength(0);
  });
});
