import "server-only";

import type { Role } from "@/lib/auth/roles";
import { onWrite } from "@/lib/engine/data-version";
import { getEnv } from "@/lib/env";

/**
 * One rendering of a server panel per data version: viewers with the same role asking the same
 * question of the same warehouse reads share the element tree a panel's render returned, so the
 * hundredth viewer costs a lookup instead of building the panel's view again.
 *
 * - Key: the panel, the viewer's role, the page parameters the panel was given, and each read it
 *   shows — when the warehouse was read (`read_at`), at which evaluation point (`as_of`, `now`),
 *   and whether it is the last good read served because the warehouse failed (with its
 *   message). A new read (a new cache slot of the monitoring reads, a write) is a new key: a
 *   rendering is never shown for other data than the one it was made from. The role is in the key even where a panel does not vary by role today,
 *   so a panel that comes to show what only some roles may see can never hand it to another.
 *   Nothing about the viewer beyond the role is: what is per viewer (the name, the theme, the CSP
 *   nonce) is rendered outside the panels, for each request.
 * - Authorization is not cached: the caller has checked the role for this request before it
 *   reads, and the reads check it again.
 * - Entries live CACHE_TTL_SECONDS, as the reads they show (0: only identical renders in flight
 *   are shared); every write this process applies empties the cache at once (through
 *   lib/engine/data-version.ts), other replicas drop theirs within the TTL. Failed renders are not
 *   kept: the next request renders again and the panel's error boundary sees the error. At most
 *   MAX_RENDERINGS entries are kept; expired ones go first, then the oldest.
 * - `RENDER_CACHE=off` renders every time (the benchmark compares both).
 *
 * What is cached is the React element tree of the server-components render, not HTML: the CSP
 * nonce and the layout are per request, and Next renders a panel's client components to HTML
 * for every request whatever the server side hands it. That HTML render is most of a request:
 * measured as the server process's CPU time per request on the built console (5 seasons, data
 * cached, 100 clients), the overview costs 14–15 ms, its server-components payload alone
 * (`RSC: 1`) about 5 ms, the sign-in page about 7 ms. What this cache saves, building a panel's
 * view, is well under a millisecond of that (on and off measured the same within the noise); it
 * keeps the panels' own work per data version as they grow. Next's Cache Components
 * (`"use cache"`) also caches only the server-components output, and would change every route of
 * the app (no `dynamic` route configs, runtime data under Suspense).
 */

/**
 * One read a rendering shows: when it was read, the evaluation point it was read at (when it has
 * one), and whether it is a stale fallback. `null`: the read failed and the panel shows that.
 */
export type RenderedRead = { read_at: string; as_of?: string; now?: string; stale?: true; error?: string } | null;

export interface RenderKey {
  /** The panel, unique across the app (`overview.processors`). */
  panel: string;
  role: Role;
  /** The parameters the panel was rendered for (absent ones are left out). */
  params: Readonly<Record<string, string | number | boolean | undefined>>;
  reads: readonly RenderedRead[];
}

export const MAX_RENDERINGS = 256;

interface Entry {
  promise: Promise<unknown>;
  /** Infinity while in flight. */
  expiresAt: number;
}

// Kept on globalThis: Next bundles each route separately, each with its own copy of this module;
// a write made by a server action must empty the one cache the pages of the process read.
const processWide = globalThis as typeof globalThis & { __renderCache?: Map<string, Entry> };
const entries = (processWide.__renderCache ??= new Map());

onWrite(() => clearRenderCache());

/** The key's text: the same for the same question, different when any part differs. */
export function renderKeyOf(key: RenderKey): string {
  const params = Object.entries(key.params)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const reads = key.reads.map((read) => (read === null ? null : [read.read_at, read.as_of ?? null, read.now ?? null, read.stale === true, read.error ?? null]));
  return JSON.stringify([key.panel, key.role, params, reads]);
}

export function renderCacheEnabled(): boolean {
  return getEnv().RENDER_CACHE === "on";
}

/**
 * `render()`'s result for `key`: a kept or in-flight rendering of the same key when there is one,
 * else a new one (kept until CACHE_TTL_SECONDS after it settles). Treat the result as read-only:
 * other requests are showing it.
 */
export function renderOnce<T>(key: RenderKey, render: () => T | Promise<T>): Promise<T> {
  if (!renderCacheEnabled()) return settle(render);
  const text = renderKeyOf(key);
  const now = Date.now();
  const hit = entries.get(text);
  if (hit && hit.expiresAt > now) return hit.promise as Promise<T>;
  const entry: Entry = { promise: settle(render), expiresAt: Infinity };
  entries.delete(text);
  entries.set(text, entry);
  entry.promise.then(
    () => {
      entry.expiresAt = Date.now() + getEnv().CACHE_TTL_SECONDS * 1000;
    },
    () => {
      if (entries.get(text) === entry) entries.delete(text);
    },
  );
  if (entries.size > MAX_RENDERINGS) sweep(now);
  return entry.promise as Promise<T>;
}

/** `render()` as a promise: its value, or its throw as a rejection. */
function settle<T>(render: () => T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve) => resolve(render()));
}

function sweep(now: number): void {
  for (const [text, entry] of entries) if (entry.expiresAt <= now) entries.delete(text);
  for (const text of entries.keys()) {
    if (entries.size <= MAX_RENDERINGS) break;
    entries.delete(text);
  }
}

/** How many renderings are kept or in flight. */
export function renderCacheSize(): number {
  return entries.size;
}

/** Forget every rendering (a write; tests). */
export function clearRenderCache(): void {
  entries.clear();
}
