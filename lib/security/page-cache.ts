import "server-only";

import { randomBytes, timingSafeEqual } from "node:crypto";
import { request as httpRequest } from "node:http";

import { NextResponse, type NextRequest } from "next/server";

import { SESSION_COOKIES, actorFromCookies } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";

/**
 * The finished HTML of a console page, shared by the viewers who would get the same page: the
 * hundredth viewer of the overview costs a lookup and a copy, not a render (rendering the page's
 * client components to HTML is most of a request's CPU; caching only the server components'
 * output saves next to nothing).
 *
 * Run by the proxy, in the server's process, after its own checks of the request and the session:
 * a viewer whose session the proxy does not accept never reaches this. Then the session is checked
 * as the server checks it for every read (`actorFromCookies`: expiry, role, sign-outs recorded on
 * any replica, read at most every 30 s) — a page from the cache skips the render, so it must not
 * skip that check — and the actor it gives is the one the page would be rendered for.
 *
 * - Which requests: a browser's page load (`GET`, `Accept: text/html`) of a path in CACHEABLE_PATHS
 *   with a live session, not the server-components payload of client navigation and prefetch (see
 *   `isCacheableRequest`), and `RENDER_CACHE` not `off`.
 *   Everything else, HEAD included, is rendered by Next as always.
 * - Key: the path and the whole query string (`?as_of`, `?now` pins), the actor's role and user
 *   name (the layout shows both), every cookie but the session's by name and value (the theme
 *   cookie, which the layouts render; and any a page comes to read), the data version (a
 *   process-wide counter every write this process applies moves on: proxy.ts tells
 *   `notePageWrite` of each) and the time slot the monitoring reads default their `now` to (the
 *   current instant rounded down to CACHE_TTL_SECONDS). Nothing else in the page's HTML depends
 *   on the request but the CSP nonce, which is replaced.
 * - Lifetime: until the end of the slot it was rendered in (so never longer than the reads it
 *   shows), and every write empties the cache at once; other replicas drop theirs within the slot.
 *   CACHE_TTL_SECONDS=0 keeps nothing: only renders of the same key in flight are shared. At most
 *   MAX_PAGES pages are kept; the least recently used go first.
 * - Miss: the page is rendered once by requesting it from this same server over loopback with
 *   the viewer's cookies, marked with a header carrying a random secret of this process so that
 *   this proxy passes it to Next unchanged (the secret never leaves the process; a request that
 *   does not carry it exactly is handled as any other, and the header reaches Next with none). Concurrent misses of one key share
 *   that render. It is kept only when it is a 200 text/html page that rendered completely: no panel
 *   failed (React's client-render fallback, an error chunk) and none showed a stale or failed read
 *   (the page marks itself `data-render-cache="no"`). A complete page that is not kept is still
 *   answered to the viewers who shared its render; anything else (a redirect, an error page, a
 *   render that did not answer) falls back to Next rendering each request itself.
 * - Answer: the page with this request's own nonce in place of the one it was rendered with,
 *   `Cache-Control: private, no-store`, and none of the captured response's headers; the proxy adds
 *   this request's CSP, security headers and session cookie refresh. `X-Render-Cache` says what
 *   happened: `hit` (kept page), `shared` (joined a render in flight), `miss` (rendered it),
 *   `pass` (rendered by Next for this request alone), `off`.
 */

/** Pages whose HTML depends on nothing of the request beyond the key. */
export const CACHEABLE_PATHS: ReadonlySet<string> = new Set(["/"]);
export const PAGE_RENDER_HEADER = "x-page-cache-render";
export const MAX_PAGES = 64;
/** A page larger than this is not buffered (the overview of five seasons is about 60 kB). */
export const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** A render that sends nothing for this long is given up (its viewers get their own render). */
const RENDER_TIMEOUT_MS = 30_000;

/** A rendered page: the body and the nonce it was rendered with; `keep` false for a complete page not to be kept. */
export interface RenderedPage {
  html: string;
  nonce: string;
  keep: boolean;
}

interface Entry {
  promise: Promise<RenderedPage | null>;
  /** Infinity while in flight. */
  expiresAt: number;
}

// Kept on globalThis: the proxy is bundled apart from the pages and server actions, each with its
// own copy of every module; one process has one secret, one data version and one cache.
const processWide = globalThis as typeof globalThis & {
  __pageCache?: { secret: string; version: number; entries: Map<string, Entry> };
};
const state = (processWide.__pageCache ??= { secret: randomBytes(32).toString("base64url"), version: 0, entries: new Map() });

/** A write was applied in this process: no page rendered before it is answered again. */
export function notePageWrite(): void {
  state.version += 1;
  state.entries.clear();
}

/** Whether `headers` carry this process's render marker exactly (the loopback render this module asked for). */
export function isInternalRender(headers: Headers): boolean {
  const value = headers.get(PAGE_RENDER_HEADER);
  if (value === null) return false;
  const given = Buffer.from(value);
  const expected = Buffer.from(state.secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function pageCacheEnabled(): boolean {
  return getEnv().RENDER_CACHE === "on";
}

/**
 * A request for a page's HTML this cache may answer (the session is the caller's to check): a GET
 * that asks for HTML (`Accept: text/html`, as every browser's page load does) and is not a
 * browser's fetch from a script (`Sec-Fetch-Dest` other than `document`).
 *
 * The server-components payload of client navigation and prefetch is another answer to the same
 * URL, asked for with `RSC: 1` — but Next removes that header, the router's other headers and the
 * `_rsc` parameter from the request its proxy sees (and restores them for the render), so the
 * proxy cannot tell such a request by them. The router's fetch sends no Accept of its own (any type) from a
 * script: the two conditions above leave it to Next. The router's headers are refused as well
 * where they do reach here.
 */
export function isCacheableRequest(req: NextRequest): boolean {
  if (req.method !== "GET" || !CACHEABLE_PATHS.has(req.nextUrl.pathname)) return false;
  const h = req.headers;
  if (!(h.get("accept") ?? "").includes("text/html")) return false;
  const dest = h.get("sec-fetch-dest");
  if (dest !== null && dest !== "document") return false;
  if (h.has("rsc") || h.has("next-router-prefetch") || h.has("next-router-state-tree") || h.has("next-router-segment-prefetch") || h.has("next-action")) return false;
  return !req.nextUrl.searchParams.has("_rsc");
}

export interface KeyParts {
  path: string;
  /** The query string as sent, with its `?` (empty without one). */
  search: string;
  role: string;
  name: string;
  /** The request's cookies but the session's, as `name=value`, sorted. */
  cookies: readonly string[];
  version: number;
  slot: number;
}

export function pageKeyOf(parts: KeyParts): string {
  return JSON.stringify([parts.path, parts.search, parts.role, parts.name, parts.cookies, parts.version, parts.slot]);
}

/**
 * The slot the monitoring reads' default `now` falls in at `at`, and when it ends. Ttl 0: one slot
 * that has always ended — nothing is kept, and renders in flight are shared as the reads are.
 */
export function timeSlot(at: number, ttlMs: number): { slot: number; endsAt: number } {
  if (ttlMs <= 0) return { slot: 0, endsAt: at };
  const slot = Math.floor(at / ttlMs);
  return { slot, endsAt: (slot + 1) * ttlMs };
}

/** The nonce a Content-Security-Policy allows scripts with, or null. */
export function nonceOf(csp: string | null): string | null {
  return /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(csp ?? "")?.[1] ?? null;
}

/** `html` with every occurrence of `from` replaced by `to`, and nothing else changed. */
export function substituteNonce(html: string, from: string, to: string): string {
  return html.split(from).join(to);
}

/**
 * Whether a 200 text/html page rendered completely: no Suspense boundary fell back to client
 * rendering because its server render failed (`<!--$!-->` before the shell was sent, `$RX("…")`
 * after), no failed server component in the payload (`E{"digest"`), and no panel marked itself
 * as showing a stale or failed read.
 */
export function renderedCompletely(html: string): boolean {
  return !html.includes("<!--$!-->") && !html.includes('$RX("') && !html.includes('E{\\"digest\\"') && !html.includes('data-render-cache="no"');
}

/** What the loopback render answered. */
export interface Capture {
  status: number;
  contentType: string | null;
  csp: string | null;
  body: string;
}

/** The capture as a page to share, or null when it must not be shared at all. */
export function pageOfCapture(capture: Capture | null): RenderedPage | null {
  if (!capture || capture.status !== 200 || !(capture.contentType ?? "").startsWith("text/html")) return null;
  const nonce = nonceOf(capture.csp);
  if (!nonce) return null;
  return { html: capture.body, nonce, keep: renderedCompletely(capture.body) };
}

export type Outcome = "hit" | "shared" | "miss";

/**
 * The page for `key`: kept or in flight, else `render()`'s (kept until `endsAt` when complete).
 * Null when the render gave nothing to share.
 */
export async function pageFor(key: string, endsAt: number, render: () => Promise<RenderedPage | null>): Promise<{ page: RenderedPage; outcome: Outcome } | null> {
  const now = Date.now();
  const found = state.entries.get(key);
  if (found && found.expiresAt > now) {
    // Most recently used last: the sweep drops from the front.
    state.entries.delete(key);
    state.entries.set(key, found);
    const page = await found.promise;
    return page ? { page, outcome: found.expiresAt === Infinity ? "shared" : "hit" } : null;
  }
  const entry: Entry = { promise: render().catch(() => null), expiresAt: Infinity };
  state.entries.delete(key);
  state.entries.set(key, entry);
  if (state.entries.size > MAX_PAGES) sweep(now);
  const page = await entry.promise;
  if (state.entries.get(key) === entry) {
    if (page?.keep && endsAt > Date.now()) entry.expiresAt = endsAt;
    else state.entries.delete(key);
  }
  return page ? { page, outcome: "miss" } : null;
}

function sweep(now: number): void {
  for (const [key, entry] of state.entries) if (entry.expiresAt <= now) state.entries.delete(key);
  for (const key of state.entries.keys()) {
    if (state.entries.size <= MAX_PAGES) break;
    state.entries.delete(key);
  }
}

/** How many pages are kept or in flight. */
export function pageCacheSize(): number {
  return state.entries.size;
}

/** Forget every page (tests). */
export function clearPageCache(): void {
  state.entries.clear();
}

/** The process's data version (moved on by every write). */
export function dataVersion(): number {
  return state.version;
}

/**
 * GET `pathAndSearch` from this server at `origin` (its own listening address) as the viewer, marked as
 * this module's render: the Host, X-Forwarded-Host and -Proto the proxy checked, and the
 * viewer's cookies; uncompressed, so the nonce can be found in the body. Null when it does not
 * answer in time or the page is too large.
 */
export function renderOverLoopback(origin: string, pathAndSearch: string, from: Headers): Promise<Capture | null> {
  const headers: Record<string, string> = {
    [PAGE_RENDER_HEADER]: state.secret,
    accept: "text/html",
    "accept-encoding": "identity",
    "user-agent": "completeness-console-page-cache",
  };
  for (const name of ["host", "cookie", "x-forwarded-host", "x-forwarded-proto"]) {
    const value = from.get(name);
    if (value !== null) headers[name] = value;
  }
  return new Promise((resolve) => {
    const req = httpRequest(new URL(pathAndSearch, origin), { method: "GET", headers, timeout: RENDER_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_PAGE_BYTES) {
          res.destroy();
          resolve(null);
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: headerText(res.headers["content-type"]),
          csp: headerText(res.headers["content-security-policy"]),
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", () => resolve(null));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
    req.end();
  });
}

function headerText(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}

/**
 * The answer to a signed-in request the proxy has checked: the shared page with `nonce` in it, or
 * `next()` (Next renders it) when this cache does not answer it. `origin` is this server's own
 * address (`http://127.0.0.1:<port>`), null when unknown.
 */
export async function cachedPage(
  req: NextRequest,
  nonce: string,
  origin: string | null,
  next: () => NextResponse,
  render: (origin: string, pathAndSearch: string, from: Headers) => Promise<Capture | null> = renderOverLoopback,
): Promise<NextResponse> {
  if (!isCacheableRequest(req) || origin === null) return next();
  if (!pageCacheEnabled()) return tagged(next(), "off");
  let actor;
  try {
    actor = await actorFromCookies((name) => req.cookies.get(name)?.value);
  } catch {
    // The sign-outs could not be read: the render refuses the session as every read would.
    return tagged(next(), "pass");
  }
  // Refused by the server (expired, signed out, no role or name): the render says so.
  if (!actor) return tagged(next(), "pass");
  const { pathname, search } = req.nextUrl;
  const ttlMs = getEnv().CACHE_TTL_SECONDS * 1000;
  const { slot, endsAt } = timeSlot(Date.now(), ttlMs);
  const key = pageKeyOf({ path: pathname, search, role: actor.role, name: actor.name, cookies: otherCookies(req), version: state.version, slot });
  const found = await pageFor(key, endsAt, async () => pageOfCapture(await render(origin, `${pathname}${search}`, req.headers)));
  if (!found) return tagged(next(), "pass");
  const response = new NextResponse(substituteNonce(found.page.html, found.page.nonce, nonce), {
    status: 200,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "private, no-store" },
  });
  return tagged(response, found.outcome);
}

/** The request's cookies but the session's (either name, and the parts next-auth splits a large one into). */
function otherCookies(req: NextRequest): string[] {
  const session = (name: string) => SESSION_COOKIES.some((c) => name === c || name.startsWith(`${c}.`));
  return req.cookies
    .getAll()
    .filter((c) => !session(c.name))
    .map((c) => `${c.name}=${c.value}`)
    .sort();
}

function tagged(response: NextResponse, outcome: Outcome | "pass" | "off"): NextResponse {
  response.headers.set("X-Render-Cache", outcome);
  return response;
}
