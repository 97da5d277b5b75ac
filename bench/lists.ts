/**
 * The list APIs against a running console (`baseUrl`, signed in with `cookie`), as a person's
 * browser and the CLI call them:
 *
 * - sizes: the JSON bytes of each list's default page and of a 500-row page
 *   (`page_size=500`), with the status and the rows answered — every list API response must stay
 *   small (≤ 250 KB on the 5-season set);
 * - history: the time to the last byte of a page of breaker history (the default page, and page
 *   5), p50 and p95 over `runs` requests after a warm-up. Start the console with
 *   CACHE_TTL_SECONDS=0 to time the warehouse, not the cache;
 * - csv: the CSV export of the whole history (`format=csv`, every row of every key): bytes, rows,
 *   time, and the server's resident memory (VmRSS of the process listening on the console's
 *   port, from /proc, sampled every 25 ms while the download runs) — its growth over the
 *   download is what streaming in chunks bounds.
 *
 * Linux only for the memory figure (`/proc`); elsewhere it is null.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

import { startConsole, TEST_AUTH_SECRET } from "@/test/support/console-server";
import { sessionCookie } from "@/test/support/session";

import { quantile, repeat, round } from "./stats";

/** The list APIs: the two breaker lists, the entity lists and the audit. */
export const LIST_APIS = [
  { name: "active-breakers", path: "/api/v1/monitoring/active-breakers" },
  { name: "breaker-history", path: "/api/v1/monitoring/breaker-history" },
  { name: "below-threshold", path: "/api/v1/monitoring/below-threshold" },
  { name: "multi-window", path: "/api/v1/monitoring/multi-window" },
  { name: "bootstrap", path: "/api/v1/monitoring/bootstrap" },
  { name: "audit", path: "/api/v1/audit" },
] as const;

export interface ListSize {
  name: string;
  /** `default` page or a `page_size=500` page. */
  page: "default" | "500";
  status: number;
  bytes: number;
  rows: number | null;
  total: number | null;
}

export interface CsvMeasure {
  status: number;
  bytes: number;
  /** Data lines (the header excluded). */
  rows: number;
  ms: number;
  /** The server's VmRSS before the download, at its peak during it, and the growth (MB); null where /proc cannot say. */
  rss_before_mb: number | null;
  rss_peak_mb: number | null;
  rss_growth_mb: number | null;
  server_pid: number | null;
}

export interface ListsMeasure {
  sizes: ListSize[];
  /** The largest JSON response among the list pages (bytes). */
  largest_bytes: number;
  history_page: { page: number; runs: number; p50_ms: number; p95_ms: number; bytes: number }[];
  csv: CsvMeasure;
}

export interface ListsOptions {
  /** Timed requests per history page (after 2 warm-up requests). */
  runs?: number;
  /** The server process to sample; found by the port it listens on when not given. */
  serverPid?: number;
}

async function get(url: string, cookie: string): Promise<{ status: number; text: string; ms: number }> {
  const start = performance.now();
  const res = await fetch(url, { headers: { cookie, accept: "application/json" }, redirect: "manual" });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - start };
}

function rowsOf(text: string): { rows: number | null; total: number | null } {
  try {
    const body = JSON.parse(text) as { rows?: unknown[]; total?: number };
    return { rows: Array.isArray(body.rows) ? body.rows.length : null, total: typeof body.total === "number" ? body.total : null };
  } catch {
    return { rows: null, total: null };
  }
}

/** The pid of the process listening on `port` (IPv4 or IPv6), from /proc; null when it cannot be found. */
export function pidListeningOn(port: number): number | null {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is ADDR:PORT; state 0A is LISTEN; the inode is the 10th column.
      if (cols.length > 9 && cols[1]!.endsWith(`:${hexPort}`) && cols[3] === "0A") inodes.add(cols[9]!);
    }
  }
  if (inodes.size === 0) return null;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m && inodes.has(m[1]!)) return Number(entry);
      } catch {
        // gone or not ours
      }
    }
  }
  return null;
}

/** VmRSS of `pid` in MB, or null. */
export function rssMb(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? round(Number(m[1]) / 1024, 1) : null;
  } catch {
    return null;
  }
}

async function measureCsv(url: string, cookie: string, pid: number | null): Promise<CsvMeasure> {
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => {
    const now = rssMb(pid);
    if (now !== null && (peak === null || now > peak)) peak = now;
  }, 25);
  const start = performance.now();
  try {
    const res = await fetch(url, { headers: { cookie }, redirect: "manual" });
    let bytes = 0;
    let lines = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (const b of value) if (b === 10) lines++;
    }
    const ms = performance.now() - start;
    const after = rssMb(pid);
    if (after !== null && (peak === null || after > peak)) peak = after;
    return {
      status: res.status,
      bytes,
      rows: Math.max(0, lines - 1),
      ms: round(ms),
      rss_before_mb: before,
      rss_peak_mb: peak,
      rss_growth_mb: before !== null && peak !== null ? round(peak - before, 1) : null,
      server_pid: pid,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** The list APIs' sizes, a page of history's latency, and the full history's CSV (see the module comment). */
export async function measureLists(baseUrl: string, cookie: string, opts: ListsOptions = {}): Promise<ListsMeasure> {
  const runs = opts.runs ?? 20;
  const sizes: ListSize[] = [];
  for (const api of LIST_APIS) {
    for (const page of ["default", "500"] as const) {
      const res = await get(`${baseUrl}${api.path}${page === "500" ? "?page_size=500" : ""}`, cookie);
      sizes.push({ name: api.name, page, status: res.status, bytes: Buffer.byteLength(res.text), ...rowsOf(res.text) });
    }
  }
  const historyPage: ListsMeasure["history_page"] = [];
  for (const page of [1, 5]) {
    const url = `${baseUrl}/api/v1/monitoring/breaker-history${page === 1 ? "" : `?page=${page}`}`;
    let bytes = 0;
    const times = await repeat(
      runs,
      async () => {
        const res = await get(url, cookie);
        if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${res.text.slice(0, 200)}`);
        bytes = Buffer.byteLength(res.text);
      },
      2,
    );
    historyPage.push({ page, runs, p50_ms: round(quantile(times, 0.5)), p95_ms: round(quantile(times, 0.95)), bytes });
  }
  const port = Number(new URL(baseUrl).port);
  const pid = opts.serverPid ?? (Number.isFinite(port) && port > 0 ? pidListeningOn(port) : null);
  const csv = await measureCsv(`${baseUrl}/api/v1/monitoring/breaker-history?format=csv`, cookie, pid);
  return { sizes, largest_bytes: Math.max(...sizes.filter((s) => s.status === 200).map((s) => s.bytes)), history_page: historyPage, csv };
}

/** `measureLists` on a console of its own started on `dbPath` (the built app, monitoring cache off), signed in as a viewer. */
export async function measureListsOn(dbPath: string, options: ListsOptions = {}): Promise<ListsMeasure> {
  const server = await startConsole({ dbPath, env: { CACHE_TTL_SECONDS: "0" }, timeoutMs: 120_000 });
  try {
    const cookie = await sessionCookie("viewer", "bench", Date.now(), TEST_AUTH_SECRET);
    return await measureLists(server.url, cookie, options);
  } finally {
    await server.stop();
  }
}
