/**
 * The page cache on its own: which requests it answers, what its key holds, how long a page lives
 * and which renders are kept. The render is a stand-in for the loopback request (a function that
 * answers as the server would and counts its calls); the loopback request itself and the proxy's
 * hook are tested against a real HTTP server in page-cache-proxy.test.ts.
 */
import { NextRequest, NextResponse } from "next/server";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

const settings = vi.hoisted(() => {
  process.env.NEXTAUTH_SECRET = "test-secret-test-secret-test-secret-0123456789";
  return { RENDER_CACHE: "on" as "on" | "off", CACHE_TTL_SECONDS: 60 };
});
vi.mock("@/lib/env", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/env")>();
  return { ...actual, getEnv: () => ({ ...actual.getEnv(), ...settings }) };
});

import { keepSignOutsInMemory, sessionCookie } from "@/test/support/session";

import {
  type Capture,
  MAX_PAGES,
  cachedPage,
  clearPageCache,
  isInternalRender,
  nonceOf,
  notePageWrite,
  pageCacheSize,
  renderedCompletely,
  substituteNonce,
} from "./page-cache";

const RENDER_NONCE = "UmVuZGVyTm9uY2UxMjM0NQ==";
const ORIGIN = "http://127.0.0.1:3999";

/** A page as the server renders it: the nonce on its scripts and in its CSP header. */
function page(body: string, nonce = RENDER_NONCE): Capture {
  return {
    status: 200,
    contentType: "text/html; charset=utf-8",
    csp: `default-src 'self'; script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    body: `<!DOCTYPE html><html><head><script nonce="${nonce}" src="/a.js"></script></head><body>${body}<script nonce="${nonce}">self.__next_f.push([1,"x"])</script></body></html>`,
  };
}

/** A stand-in for the loopback render: answers `answer()` and counts the renders. */
function server(answer: (pathAndSearch: string, from: Headers) => Capture | null = (p) => page(`${p} rendered`)) {
  const calls: string[] = [];
  const render = vi.fn(async (origin: string, pathAndSearch: string, from: Headers) => {
    expect(origin).toBe(ORIGIN);
    calls.push(pathAndSearch);
    return answer(pathAndSearch, from);
  });
  return { render, calls };
}

/**
 * A render that takes until `release()`: `started` settles when the first render begins. Its
 * pages say which render they are (`render 1`, `render 2`, …).
 */
function slowServer() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let begin!: () => void;
  const started = new Promise<void>((resolve) => (begin = resolve));
  let n = 0;
  const render = vi.fn(async (_origin: string, _pathAndSearch: string, _from: Headers) => {
    const mine = ++n;
    begin();
    await gate;
    return page(`render ${mine}`);
  });
  return { render, started, release };
}

const signOuts = keepSignOutsInMemory();
const SECRET = process.env.NEXTAUTH_SECRET!;
/** Session cookies (`next-auth.session-token=…`) as next-auth issues them. */
const sessions: Record<"vera" | "veraOperator" | "victor" | "veraAgain", string> = { vera: "", veraOperator: "", victor: "", veraAgain: "" };
type Who = keyof typeof sessions;

beforeAll(async () => {
  sessions.vera = await sessionCookie("viewer", "Vera", Date.now(), SECRET);
  sessions.veraOperator = await sessionCookie("operator", "Vera", Date.now(), SECRET);
  sessions.victor = await sessionCookie("viewer", "Victor", Date.now(), SECRET);
  // Vera signed in a second time (another browser): another session, the same name and role.
  sessions.veraAgain = await sessionCookie("viewer", "Vera", Date.now(), SECRET);
});

function request(url: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new NextRequest(new URL(url, "http://localhost:3000"), { method: init.method ?? "GET", headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8", ...init.headers } });
}

const nonces = ["Tm9uY2VPbmUxMjM0NTY3OA==", "Tm9uY2VUd28xMjM0NTY3OA==", "Tm9uY2VUaHJlZTEyMzQ1Ng==", "Tm9uY2VGb3VyMTIzNDU2Nw=="];
let nonceIndex = 0;
const passed = () => NextResponse.next();

/** `GET url` signed in as `who`, with `cookies` beside the session's; `headers` replace any of the request's. */
async function get(render: ReturnType<typeof server>["render"], url = "/", who: Who = "vera", cookies = "", headers: Record<string, string> = {}) {
  const nonce = nonces[nonceIndex++ % nonces.length]!;
  const cookie = cookies ? `${sessions[who]}; ${cookies}` : sessions[who];
  const res = await cachedPage(request(url, { headers: { cookie, ...headers } }), nonce, ORIGIN, passed, render);
  const body = res.headers.get("x-middleware-next") ? null : await res.text();
  return { outcome: res.headers.get("x-render-cache"), body, nonce, res };
}

beforeEach(() => {
  settings.RENDER_CACHE = "on";
  settings.CACHE_TTL_SECONDS = 60;
  clearPageCache();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a cached page", () => {
  it("is rendered once and then answered from the cache, each time with the request's own nonce in every place the render's was", async () => {
    const { render } = server();
    const first = await get(render);
    const second = await get(render);
    expect(render).toHaveBeenCalledTimes(1);
    expect([first.outcome, second.outcome]).toEqual(["miss", "hit"]);
    for (const answer of [first, second]) {
      expect(answer.body).not.toContain(RENDER_NONCE);
      expect(answer.body!.split(`nonce="${answer.nonce}"`)).toHaveLength(3);
      expect(answer.res.headers.get("cache-control")).toBe("private, no-store");
      expect(answer.res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    }
    expect(second.body).toBe(page("/ rendered", second.nonce).body);
  });

  it("answers a browser's page load (Sec-Fetch-Dest: document)", async () => {
    const { render } = server();
    const headers = { "sec-fetch-dest": "document", "sec-fetch-mode": "navigate" };
    expect((await get(render, "/", "vera", "", headers)).outcome).toBe("miss");
    expect((await get(render, "/", "vera", "", headers)).outcome).toBe("hit");
  });

  it("is kept apart by path and query, role, user name, theme", async () => {
    const { render } = server();
    await get(render);
    await get(render, "/?as_of=2026-12-01");
    await get(render, "/?as_of=2026-12-02");
    await get(render, "/?now=2026-12-02T00:00:00.000Z&as_of=2026-12-01");
    await get(render, "/", "veraOperator");
    await get(render, "/", "victor");
    await get(render, "/", "vera", "theme=dark");
    expect(render).toHaveBeenCalledTimes(7);
    // …and found again under each.
    expect((await get(render, "/?as_of=2026-12-01")).outcome).toBe("hit");
    expect((await get(render, "/", "veraOperator")).outcome).toBe("hit");
    expect((await get(render, "/", "victor")).outcome).toBe("hit");
    expect((await get(render, "/", "vera", "theme=dark")).outcome).toBe("hit");
    expect(render).toHaveBeenCalledTimes(7);
  });

  it("is keyed by every cookie but the session's: another session of the same viewer finds the page, another cookie does not", async () => {
    const { render } = server();
    await get(render, "/", "vera", "theme=dark");
    expect((await get(render, "/", "veraAgain", "theme=dark")).outcome).toBe("hit");
    expect((await get(render, "/", "vera", "theme=dark; other=1")).outcome).toBe("miss");
    expect((await get(render, "/", "vera", "theme=light")).outcome).toBe("miss");
    // Behind TLS, and split in parts when large: the session cookie's other names are left out too.
    const token = sessions.vera.split("=").slice(1).join("=");
    const secure = { cookie: `__Secure-next-auth.session-token=${token}; theme=dark` };
    expect((await get(render, "/", "vera", "", secure)).outcome).toBe("hit");
    const parts = { cookie: `next-auth.session-token.0=${token.slice(0, 40)}; next-auth.session-token.1=${token.slice(40)}; theme=dark` };
    expect((await get(render, "/", "vera", "", parts)).outcome).toBe("hit");
  });

  it("is answered only to a session the server accepts, checked for every request", async () => {
    const { render } = server();
    const mine = await sessionCookie("viewer", "Vera", Date.now(), SECRET);
    const load = () => get(render, "/", "vera", "", { cookie: mine });
    await load();
    expect((await load()).outcome).toBe("hit");
    // Signed out (recorded by any replica): the same cookie gets no page, the render refuses it.
    const { decode } = await import("next-auth/jwt");
    await signOuts.revoke((await decode({ token: mine.split("=").slice(1).join("="), secret: SECRET }))!);
    const after = await load();
    expect(after.outcome).toBe("pass");
    expect(after.body).toBeNull();
    // The same person's other session still has it.
    expect((await get(render, "/", "veraAgain")).outcome).toBe("hit");
    // Expired (8 hours after sign-in), a token not signed with the secret, no token: Next renders.
    const expired = await sessionCookie("viewer", "Vera", Date.now() - 9 * 3600_000, SECRET);
    const forged = await sessionCookie("viewer", "Vera", Date.now(), "another-secret-another-secret-another-secret-0");
    for (const cookie of [expired, forged, "theme=dark"]) {
      const res = await cachedPage(request("/", { headers: { cookie } }), nonces[0]!, ORIGIN, passed, render);
      expect(res.headers.get("x-middleware-next"), cookie).toBe("1");
    }
    expect(render).toHaveBeenCalledTimes(1);
  });

  it("is dropped by a write (proxy.ts tells notePageWrite of each): the next request renders the page again", async () => {
    const { render } = server();
    await get(render);
    notePageWrite();
    expect((await get(render)).outcome).toBe("miss");
    expect((await get(render)).outcome).toBe("hit");
    expect(render).toHaveBeenCalledTimes(2);
  });

  it("rendered before a write that lands while it renders is not served after the write", async () => {
    const { render, started, release } = slowServer();
    const before = get(render);
    await started;
    notePageWrite();
    const after = get(render);
    release();
    expect((await before).body).toContain("render 1");
    expect((await after).body).toContain("render 2");
    expect((await get(render)).body).toContain("render 2");
    expect(render).toHaveBeenCalledTimes(2);
  });

  it("lives until the end of the monitoring reads' time slot it was rendered in", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2026, 11, 7, 12, 0, 10));
    const { render } = server();
    await get(render);
    vi.setSystemTime(Date.UTC(2026, 11, 7, 12, 0, 59, 999));
    expect((await get(render)).outcome).toBe("hit");
    vi.setSystemTime(Date.UTC(2026, 11, 7, 12, 1, 0));
    expect((await get(render)).outcome).toBe("miss");
    expect(render).toHaveBeenCalledTimes(2);
  });

  it("with CACHE_TTL_SECONDS=0 is kept for no later request; only renders in flight are shared", async () => {
    settings.CACHE_TTL_SECONDS = 0;
    const { render } = server();
    await get(render);
    await get(render);
    expect(render).toHaveBeenCalledTimes(2);
    // Five viewers ask while one render is in flight: they share it.
    const slow = slowServer();
    const together = Promise.all(Array.from({ length: 5 }, () => get(slow.render)));
    await slow.started;
    await new Promise((resolve) => setTimeout(resolve, 50));
    slow.release();
    expect((await together).map((a) => a.outcome).sort()).toEqual(["miss", "shared", "shared", "shared", "shared"]);
    expect(slow.render).toHaveBeenCalledTimes(1);
    expect(pageCacheSize()).toBe(0);
  });

  it("is rendered once for a hundred viewers asking at the same time, each answered with their own nonce", async () => {
    const { render, started, release } = slowServer();
    const pending = Promise.all(Array.from({ length: 100 }, () => get(render)));
    await started;
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    const hundred = await pending;
    expect(render).toHaveBeenCalledTimes(1);
    expect(hundred.filter((a) => a.outcome === "miss")).toHaveLength(1);
    for (const a of hundred) expect(a.body).toContain(`nonce="${a.nonce}"`);
  });

  it(`keeps at most ${MAX_PAGES} pages, dropping the least recently used`, async () => {
    const { render } = server();
    await get(render, "/?as_of=2026-01-01");
    for (let i = 1; i <= MAX_PAGES + 10; i++) {
      await get(render, `/?page=${i}`);
      // The first page is used all along: it stays.
      expect((await get(render, "/?as_of=2026-01-01")).outcome).toBe("hit");
    }
    expect(pageCacheSize()).toBeLessThanOrEqual(MAX_PAGES);
    const calls = render.mock.calls.length;
    expect((await get(render, "/?page=1")).outcome).toBe("miss");
    expect((await get(render, `/?page=${MAX_PAGES + 10}`)).outcome).toBe("hit");
    expect(render).toHaveBeenCalledTimes(calls + 1);
  });
});

describe("what is not cached", () => {
  it("other pages, HEAD, requests not for a page's HTML, and the server-components payload of navigation and prefetch go to Next untouched", async () => {
    const { render } = server();
    const cases: [string, string, Record<string, string>][] = [
      ["GET", "/breakers", {}],
      ["GET", "/trends", {}],
      ["GET", "/api/v1/monitoring/health", {}],
      ["HEAD", "/", {}],
      ["GET", "/", { rsc: "1" }],
      ["GET", "/", { "next-router-prefetch": "1" }],
      ["GET", "/", { "next-router-state-tree": "%5B%22%22%5D" }],
      ["GET", "/?_rsc=abc12", {}],
      // The router's fetch as the proxy sees it in `next start` (its RSC headers removed by Next).
      ["GET", "/", { accept: "*/*", "sec-fetch-dest": "empty", "sec-fetch-mode": "cors" }],
      ["GET", "/", { accept: "*/*" }],
      ["GET", "/", { accept: "text/html", "sec-fetch-dest": "empty" }],
    ];
    for (const [method, url, headers] of cases) {
      const res = await cachedPage(request(url, { method, headers: { cookie: sessions.vera, ...headers } }), nonces[0]!, ORIGIN, passed, render);
      expect(res.headers.get("x-middleware-next"), `${method} ${url} ${JSON.stringify(headers)}`).toBe("1");
      expect(res.headers.get("x-render-cache")).toBeNull();
    }
    expect(render).not.toHaveBeenCalled();
  });

  it("anything with RENDER_CACHE=off, nor without the server's own address", async () => {
    const { render } = server();
    settings.RENDER_CACHE = "off";
    for (let i = 0; i < 3; i++) expect((await get(render)).outcome).toBe("off");
    settings.RENDER_CACHE = "on";
    const res = await cachedPage(request("/", { headers: { cookie: sessions.vera } }), nonces[0]!, null, passed, render);
    expect(res.headers.get("x-middleware-next")).toBe("1");
    expect(render).not.toHaveBeenCalled();
  });

  const refused: [string, Capture | null][] = [
    ["a redirect", { status: 307, contentType: "text/plain", csp: page("").csp, body: "" }],
    ["an error page", { ...page("Something went wrong"), status: 500 }],
    ["a page not found", { ...page("Not found"), status: 404 }],
    ["JSON", { ...page(""), contentType: "application/json", body: "{}" }],
    ["a page without a nonce in its CSP", { ...page(""), csp: "default-src 'self'" }],
    ["no answer (a timeout, a refused connection, too large a page)", null],
  ];
  for (const [what, capture] of refused) {
    it(`${what}: every request is rendered by Next itself`, async () => {
      const { render } = server(() => capture);
      expect((await get(render)).outcome).toBe("pass");
      expect((await get(render)).outcome).toBe("pass");
      expect(render).toHaveBeenCalledTimes(2);
      expect(pageCacheSize()).toBe(0);
    });
  }

  const incomplete: [string, string][] = [
    ["a panel marked as showing a stale or failed read", '<span hidden="" data-render-cache="no"></span>'],
    ["a Suspense boundary switched to client rendering before the shell", '<!--$!--><template data-dgst="123"></template>'],
    ["a Suspense boundary switched to client rendering while streaming", '<script nonce="x">$RX("B:1","123")</script>'],
    ["a failed server component in the payload", '<script>self.__next_f.push([1,"7:E{\\"digest\\":\\"123\\"}\\n"])</script>'],
  ];
  for (const [what, html] of incomplete) {
    it(`a page with ${what} is answered to its own request but not kept`, async () => {
      const { render } = server(() => page(`before ${html} after`));
      const first = await get(render);
      expect(first.outcome).toBe("miss");
      expect(first.body).toContain(html);
      expect((await get(render)).outcome).toBe("miss");
      expect(render).toHaveBeenCalledTimes(2);
      expect(renderedCompletely(page(html).body)).toBe(false);
    });
  }

  it("a complete page is recognized as one", () => {
    expect(renderedCompletely(page('<section data-testid="processors">ok</section><!--$--><!--/$-->').body)).toBe(true);
  });
});

describe("the nonce", () => {
  it("is read from the CSP's script-src", () => {
    expect(nonceOf(page("").csp)).toBe(RENDER_NONCE);
    expect(nonceOf("default-src 'self'")).toBeNull();
    expect(nonceOf(null)).toBeNull();
  });

  it("is replaced everywhere it occurs, and nothing else is", () => {
    const html = `<script nonce="${RENDER_NONCE}"></script><p>${RENDER_NONCE}${RENDER_NONCE}</p><link nonce="${RENDER_NONCE}"><p>nonce="other"</p>`;
    const out = substituteNonce(html, RENDER_NONCE, nonces[1]!);
    expect(out).toBe(`<script nonce="${nonces[1]}"></script><p>${nonces[1]}${nonces[1]}</p><link nonce="${nonces[1]}"><p>nonce="other"</p>`);
    expect(out.length).toBe(html.length);
  });
});

describe("the render marker", () => {
  it("is refused when absent, empty or not this process's secret", () => {
    expect(isInternalRender(new Headers())).toBe(false);
    expect(isInternalRender(new Headers({ "x-page-cache-render": "" }))).toBe(false);
    expect(isInternalRender(new Headers({ "x-page-cache-render": "guess" }))).toBe(false);
    expect(isInternalRender(new Headers({ "x-page-cache-render": "A".repeat(43) }))).toBe(false);
  });
});
