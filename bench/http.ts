/**
 * The overview page over HTTP from the built app (`next start`, test/support/console-server.ts),
 * signed in as a viewer, on one data set, with the monitoring cache off (CACHE_TTL_SECONDS=0:
 * every request reads the warehouse; identical concurrent reads still share one query):
 *
 * - page: sequential GETs of `/` (the default view: data as of the latest date, breaker state
 *   now), time to the last byte of the streamed HTML; median after warm-up;
 * - load: autocannon with 1 and with 10 concurrent clients for BENCH_LOAD_SECONDS each:
 *   p50, p95 (from every response's latency), requests/s, errors (socket errors, timeouts and
 *   non-2xx answers).
 */
import autocannon from "autocannon";

import { startConsole, TEST_AUTH_SECRET } from "@/test/support/console-server";
import { sessionCookie } from "@/test/support/session";

import { type Timing, quantile, repeat, round, summarize } from "./stats";

export interface LoadMeasure {
  connections: number;
  seconds: number;
  requests: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  requests_per_s: number;
  errors: number;
  non2xx: number;
  timeouts: number;
}

export interface HttpMeasure {
  page: Timing;
  page_bytes: number;
  load: LoadMeasure[];
}

async function runLoad(url: string, cookie: string, connections: number, seconds: number): Promise<LoadMeasure> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, headers: { cookie }, timeout: 30 }, (error, res) =>
      error ? reject(error) : resolve(res),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
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
  };
}

export async function measureHttp(dbPath: string, options: { runs: number; loadSeconds: number; load: boolean }): Promise<HttpMeasure> {
  const server = await startConsole({ dbPath, env: { CACHE_TTL_SECONDS: "0" }, timeoutMs: 120_000 });
  try {
    const cookie = await sessionCookie("viewer", "bench", Date.now(), TEST_AUTH_SECRET);
    const url = `${server.url}/`;
    let bytes = 0;
    const get = async () => {
      const res = await fetch(url, { headers: { cookie }, redirect: "manual" });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET / answered ${res.status}: ${body.slice(0, 200)}\n${server.output().slice(-2000)}`);
      if (!body.includes('data-testid="warehouse-status"')) throw new Error("GET / did not render the overview");
      bytes = Buffer.byteLength(body);
    };
    const page = summarize(await repeat(options.runs, get, 3));
    const load: LoadMeasure[] = [];
    if (options.load) {
      for (const connections of [1, 10]) load.push(await runLoad(url, cookie, connections, options.loadSeconds));
    }
    return { page, page_bytes: bytes, load };
  } finally {
    await server.stop();
  }
}
