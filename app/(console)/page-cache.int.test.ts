/**
 * The overview's page cache on the built console (`next start`): the proxy renders the page over
 * loopback once and answers the next viewers with the same name, role and theme from the cache,
 * each with the nonce of their own response; a write renders it again; `RENDER_CACHE=off` never
 * answers from it. Needs `npm run build` first (or NEXT_DIST_DIR pointing at a build).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { tripKey } from "@/test/support/console-warehouse";
import { type RunningConsole, type TempDatabase, TEST_AUTH_SECRET, prepareDatabase, startConsole } from "@/test/support/console-server";
import { sessionCookie } from "@/test/support/session";

const KEY = { processor: "player_daily_cache", entity_id: "lebronjames", analysis_date: "2026-11-20" };

let db: TempDatabase;
let server: RunningConsole;
let offDb: TempDatabase;
let off: RunningConsole;

beforeAll(async () => {
  [db, offDb] = await Promise.all([prepareDatabase((wh) => tripKey(wh, KEY)), prepareDatabase()]);
  [server, off] = await Promise.all([
    startConsole({ dbPath: db.path, env: { CACHE_TTL_SECONDS: "600" } }),
    startConsole({ dbPath: offDb.path, env: { CACHE_TTL_SECONDS: "600", RENDER_CACHE: "off" } }),
  ]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), off?.stop()]);
  db?.remove();
  offDb?.remove();
});

async function overview(on: RunningConsole, cookie: string, init: { path?: string; headers?: Record<string, string>; method?: string } = {}) {
  const res = await fetch(`${on.url}${init.path ?? "/"}`, { method: init.method ?? "GET", headers: { cookie, accept: "text/html", ...init.headers }, redirect: "manual" });
  const body = await res.text();
  const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
  return { status: res.status, cache: res.headers.get("x-render-cache"), nonce, body, headers: res.headers };
}

/** Every nonce attribute in the page (React and Next put one on each of their scripts). */
const noncesIn = (html: string) => [...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]);

const signedInAs = (html: string) => /data-testid="signed-in-as"[^>]*>(.*?)<br/.exec(html.replaceAll("<!-- -->", ""))?.[1]?.replace(/<\/?strong>/g, "");

describe("the overview's page cache", () => {
  it("renders each viewer's own page, then answers it from the cache with that response's nonce on every script", async () => {
    const vera = await sessionCookie("viewer", "vera.viewer", Date.now(), TEST_AUTH_SECRET);
    const otto = await sessionCookie("operator", "otto.operator", Date.now(), TEST_AUTH_SECRET);
    const first = await overview(server, vera);
    expect(first.status, server.output()).toBe(200);
    expect(first.cache).toBe("miss");
    const other = await overview(server, otto);
    expect(other.cache).toBe("miss");
    const again = await overview(server, vera);
    expect(again.cache).toBe("hit");

    expect(signedInAs(first.body)).toBe("Signed in as vera.viewer (viewer)");
    expect(signedInAs(again.body)).toBe("Signed in as vera.viewer (viewer)");
    expect(signedInAs(other.body)).toBe("Signed in as otto.operator (operator)");

    for (const answer of [first, other, again]) {
      expect(answer.nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      const nonces = noncesIn(answer.body);
      expect(nonces.length).toBeGreaterThan(1);
      expect(new Set(nonces)).toEqual(new Set([answer.nonce]));
      expect(answer.headers.get("cache-control")).toBe("private, no-store");
      expect(answer.headers.get("x-frame-options")).toBe("DENY");
    }
    expect(again.nonce).not.toBe(first.nonce);
    expect(again.body).not.toContain(first.nonce!);
    expect(again.body.replaceAll(again.nonce!, "N")).toBe(first.body.replaceAll(first.nonce!, "N"));
  });

  it("keeps pinned URLs and themes apart", async () => {
    const vera = await sessionCookie("viewer", "vera.viewer", Date.now(), TEST_AUTH_SECRET);
    await overview(server, vera);
    const pinned = await overview(server, vera, { path: "/?as_of=2026-11-20" });
    expect(pinned.cache).toBe("miss");
    expect((await overview(server, vera, { path: "/?as_of=2026-11-20" })).cache).toBe("hit");
    const dark = await overview(server, `${vera}; theme=dark`);
    expect(dark.cache).toBe("miss");
    expect(dark.body).toMatch(/<html[^>]*data-theme="dark"/);
    expect((await overview(server, vera)).body).not.toMatch(/<html[^>]*data-theme=/);
  });

  it("leaves HEAD, the navigation payload and signed-out visitors to Next", async () => {
    const vera = await sessionCookie("viewer", "vera.viewer", Date.now(), TEST_AUTH_SECRET);
    await overview(server, vera);
    expect((await overview(server, vera, { method: "HEAD" })).cache).toBeNull();
    // The router's fetch of the payload: Next hides its RSC header from the proxy, and sends a
    // request without the `_rsc` cache-busting parameter to the URL with it first.
    const router = { rsc: "1", accept: "*/*", "sec-fetch-dest": "empty" };
    const redirected = await overview(server, vera, { headers: router });
    expect(redirected.cache).toBeNull();
    expect(redirected.status).toBe(307);
    const rsc = await overview(server, vera, { path: redirected.headers.get("location")!, headers: router });
    expect(rsc.cache).toBeNull();
    expect(rsc.status).toBe(200);
    expect(rsc.headers.get("content-type")).toContain("text/x-component");
    const anonymous = await overview(server, "");
    expect(anonymous.status).toBe(307);
    expect(anonymous.cache).toBeNull();
  });

  it("renders the page again after a write", async () => {
    const vera = await sessionCookie("viewer", "vera.viewer", Date.now(), TEST_AUTH_SECRET);
    await overview(server, vera);
    expect((await overview(server, vera)).cache).toBe("hit");
    const operator = await sessionCookie("operator", "otto.operator", Date.now(), TEST_AUTH_SECRET);
    const write = await fetch(`${server.url}/api/v1/breakers/override`, {
      method: "POST",
      headers: { cookie: operator, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ ...KEY, reason_code: "data_now_available", reason: "Box score landed; verified in the live recheck", request_id: "req-page-cache-1" }),
    });
    expect(write.status, await write.text()).toBe(201);
    expect((await overview(server, vera)).cache).toBe("miss");
    expect((await overview(server, vera)).cache).toBe("hit");
  });

  it("with RENDER_CACHE=off renders every request", async () => {
    const vera = await sessionCookie("viewer", "vera.viewer", Date.now(), TEST_AUTH_SECRET);
    for (let i = 0; i < 3; i++) {
      const answer = await overview(off, vera);
      expect(answer.status, off.output()).toBe(200);
      expect(answer.cache).toBe("off");
      expect(new Set(noncesIn(answer.body))).toEqual(new Set([answer.nonce]));
    }
  });
});
