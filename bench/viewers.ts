/**
 * A hundred signed-in viewers at once on the overview: autocannon with `connections` clients, each
 * sending `GET /` again as soon as its previous answer ended, for `seconds`, against a started
 * console (production build). Reported: p50, p95 and p99 of every response's latency (to the last
 * byte), requests per second, and errors (socket errors, timeouts and non-2xx answers); on Linux
 * also the server process's CPU time per request, which other load on a shared machine moves far
 * less than it moves latencies.
 *
 * - `measureViewers(baseUrl, cookie)`: one run against a console someone else started.
 * - `measureViewersBothWays(dbPath)`: starts the built console on `dbPath` twice, once with the
 *   page cache on and once with it off (`RENDER_CACHE=off`), signs in as a viewer, and runs
 *   both; also the sequential page median each way, for the page/floor ratio with the cache off
 *   and on. The monitoring cache keeps its default TTL (60 s): the data is cached, as it is for a
 *   hundred people opening the morning's overview; `monitoringTtl` changes it (0: every read goes
 *   to the warehouse, the bench's page/floor setting).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

import autocannon from "autocannon";

import { startConsole, TEST_AUTH_SECRET } from "@/test/support/console-server";
import { sessionCookie } from "@/test/support/session";

import { type Timing, quantile, repeat, round, summarize } from "./stats";

/** What a browser's page load asks for: the page cache answers only such requests. */
const PAGE_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

export interface ViewersMeasure {
  connections: number;
  seconds: number;
  requests: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  requests_per_s: number;
  /** Socket errors, timeouts and non-2xx answers. */
  errors: number;
  non2xx: number;
  timeouts: number;
  /**
   * The server's CPU time (user + system) over the run per completed request; null where /proc
   * cannot tell. The requests cut off at the end count their CPU but not themselves: up to
   * `connections` of them, so keep runs long enough for that to be small (10 s at 100 requests/s:
   * at most 10%).
   */
  server_cpu_ms_per_request: number | null;
}

export interface ViewersOptions {
  /** Concurrent clients (default 100). */
  connections?: number;
  /** Seconds of load (default 10). */
  seconds?: number;
  /** The page (default `/`). */
  path?: string;
}

/** `connections` clients on `GET path` of a started console for `seconds`, signed in with `cookie`. */
export async function measureViewers(baseUrl: string, cookie: string, options: ViewersOptions = {}): Promise<ViewersMeasure> {
  const connections = options.connections ?? 100;
  const seconds = options.seconds ?? 10;
  const url = new URL(options.path ?? "/", baseUrl).toString();
  const server = listeningProcess(Number(new URL(baseUrl).port));
  const cpuBefore = server === null ? null : cpuMs(server);
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, headers: { cookie, accept: PAGE_ACCEPT }, timeout: 30 }, (error, res) =>
      error ? reject(error) : resolve(res),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const cpuAfter = server === null ? null : cpuMs(server);
  return {
    connections,
    seconds,
    requests: result.requests.total,
    p50_ms: round(quantile(latencies, 0.5)),
    p95_ms: round(quantile(latencies, 0.95)),
    p99_ms: round(quantile(latencies, 0.99)),
    requests_per_s: round(result.requests.total / seconds, 2),
    errors: result.errors + result.timeouts + result.non2xx,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    server_cpu_ms_per_request: cpuBefore !== null && cpuAfter !== null && result.requests.total > 0 ? round((cpuAfter - cpuBefore) / result.requests.total, 2) : null,
  };
}

/** The process listening on `port` on this machine (Linux: the socket's inode in /proc/net/tcp, then whose descriptor it is), or null. */
function listeningProcess(port: number): number | null {
  try {
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    const inodes = new Set<string>();
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        // local address, state 0A (listening), inode
        if (f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A") inodes.add(f[9]!);
      }
    }
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
          if (target.startsWith("socket:[") && inodes.has(target.slice(8, -1))) return Number(pid);
        } catch {
          // closed meanwhile
        }
      }
    }
  } catch {
    // not Linux
  }
  return null;
}

/** CPU time (user + system) `pid` has used, in ms (/proc/<pid>/stat counts in clock ticks of 10 ms). */
function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

export interface ViewersRun {
  render_cache: "on" | "off";
  /** Sequential `GET /`, one client, after three warm-up requests: the page/floor numerator. */
  page: Timing;
  load: ViewersMeasure;
}

export interface ViewersBothWays {
  monitoring_ttl_s: number;
  on: ViewersRun;
  off: ViewersRun;
}

/**
 * The overview under `connections` viewers with the page cache on, then off, each on a console
 * of its own started on `dbPath` (the built app in NEXT_DIST_DIR, as the rest of the bench).
 */
export async function measureViewersBothWays(
  dbPath: string,
  options: ViewersOptions & { runs?: number; monitoringTtl?: number } = {},
): Promise<ViewersBothWays> {
  const monitoringTtl = options.monitoringTtl ?? 60;
  const run = async (renderCache: "on" | "off"): Promise<ViewersRun> => {
    const server = await startConsole({
      dbPath,
      env: { CACHE_TTL_SECONDS: String(monitoringTtl), RENDER_CACHE: renderCache },
      timeoutMs: 120_000,
    });
    try {
      const cookie = await sessionCookie("viewer", "bench", Date.now(), TEST_AUTH_SECRET);
      const url = new URL(options.path ?? "/", server.url).toString();
      const get = async () => {
        const res = await fetch(url, { headers: { cookie, accept: PAGE_ACCEPT }, redirect: "manual" });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 200)}\n${server.output().slice(-2000)}`);
      };
      const page = summarize(await repeat(options.runs ?? 7, get, 3));
      // Warm-up at the same concurrency (compiling the hot paths), not counted.
      await measureViewers(server.url, cookie, { ...options, seconds: 2 });
      const load = await measureViewers(server.url, cookie, options);
      return { render_cache: renderCache, page, load };
    } finally {
      await server.stop();
    }
  };
  const on = await run("on");
  const off = await run("off");
  return { monitoring_ttl_s: monitoringTtl, on, off };
}
