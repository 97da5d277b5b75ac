import { beforeEach, describe, expect, it } from "vitest";

import {
  DURATION_BUCKETS,
  EXPOSED_SERIES_NAMES,
  GAUGES,
  HTTP_REQUEST_DURATION,
  HTTP_REQUESTS_TOTAL,
  WAREHOUSE_QUERIES_TOTAL,
  authorizeScrape,
  constantTimeEqual,
  escapeLabelValue,
  recordHttpRequest,
  recordWarehouseQuery,
  renderCountersAndHistograms,
  renderFamily,
  resetMetrics,
  timeWarehouseCall,
  withHttpMetrics,
} from "./registry";
import { histograms, parsePrometheusText } from "@/test/support/prometheus-text";

beforeEach(() => resetMetrics());

describe("format", () => {
  it("escapes backslash, double quote and line feed in label values", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const out = renderFamily(GAUGES.activeBreakers, [{ labels: { processor: 'odd\\"name\nx' }, value: 3 }]);
    expect(out).toBe(
      [
        `# HELP completeness_console_active_breakers ${GAUGES.activeBreakers.help}`,
        "# TYPE completeness_console_active_breakers gauge",
        'completeness_console_active_breakers{processor="odd\\\\\\"name\\nx"} 3',
        "",
      ].join("\n"),
    );
    // A parser gets the original value back.
    const family = parsePrometheusText(out).get("completeness_console_active_breakers")!;
    expect(family.samples[0]!.labels).toEqual({ processor: 'odd\\"name\nx' });
    expect(family.help).toBe(GAUGES.activeBreakers.help);
  });

  it("declares every family with HELP and TYPE even before the first observation", () => {
    const out = renderCountersAndHistograms();
    for (const m of [HTTP_REQUESTS_TOTAL, HTTP_REQUEST_DURATION, WAREHOUSE_QUERIES_TOTAL]) {
      expect(out).toContain(`# HELP ${m.name} `);
      expect(out).toContain(`# TYPE ${m.name} ${m.type}\n`);
    }
    // Only the unlabelled sign-in counters have a sample (0) before their first event.
    expect(out.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual(["completeness_console_sign_in_failures_total 0", "completeness_console_sign_in_lockouts_total 0"]);
  });

  it("counts counters per label set", () => {
    recordHttpRequest("/metrics", "GET", 200, 0.001);
    recordHttpRequest("/metrics", "GET", 200, 0.002);
    recordHttpRequest("/metrics", "GET", 401, 0.001);
    const out = renderCountersAndHistograms();
    expect(out).toContain('completeness_console_http_requests_total{route="/metrics",method="GET",status="200"} 2\n');
    expect(out).toContain('completeness_console_http_requests_total{route="/metrics",method="GET",status="401"} 1\n');
  });

  it("histogram buckets are cumulative, end with +Inf, and carry _sum and _count", () => {
    for (const v of [0.003, 0.005, 0.04, 0.7, 3, 42]) recordWarehouseQuery("monitoring_health", "ok", v);
    const out = renderCountersAndHistograms();
    const lines = out.split("\n").filter((l) => l.startsWith("completeness_console_warehouse_query_duration_seconds"));
    const buckets = lines.filter((l) => l.includes("_bucket"));
    expect(buckets.map((l) => /le="([^"]+)"/.exec(l)![1])).toEqual([...DURATION_BUCKETS.map(String), "+Inf"]);
    expect(buckets.map((l) => Number(l.split(" ").pop()))).toEqual([2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6]); // ≤ bound, cumulative
    expect(lines).toContain('completeness_console_warehouse_query_duration_seconds_count{label="monitoring_health"} 6');
    const sum = Number(lines.find((l) => l.includes("_sum"))!.split(" ").pop());
    expect(sum).toBeCloseTo(0.003 + 0.005 + 0.04 + 0.7 + 3 + 42, 9);
    expect(out).toContain('completeness_console_warehouse_queries_total{label="monitoring_health",outcome="ok"} 6\n');

    recordWarehouseQuery("other", "error", 0.02);
    const family = parsePrometheusText(renderCountersAndHistograms()).get("completeness_console_warehouse_query_duration_seconds")!;
    expect(family.type).toBe("histogram");
    const series = histograms(family); // validates cumulative buckets, +Inf = _count, _sum
    expect(series.map((h) => [h.labels.label, h.count, h.buckets.length])).toEqual([
      ["monitoring_health", 6, DURATION_BUCKETS.length + 1],
      ["other", 1, DURATION_BUCKETS.length + 1],
    ]);
  });

  it("lists every exposed series name, histograms with _bucket/_sum/_count", () => {
    expect(EXPOSED_SERIES_NAMES).toContain("completeness_console_http_request_duration_seconds_bucket");
    expect(EXPOSED_SERIES_NAMES).toContain("completeness_console_warehouse_queries_total");
    expect(EXPOSED_SERIES_NAMES).not.toContain("completeness_console_http_request_duration_seconds");
    for (const name of EXPOSED_SERIES_NAMES) expect(name).toMatch(/^completeness_console_[a-z_]+$/);
  });
});

describe("recording", () => {
  it("withHttpMetrics counts the status, and a throw as 500", async () => {
    const ok = withHttpMetrics("/x/[id]", async (request: Request) => new Response(null, { status: request.method === "GET" ? 204 : 405 }));
    await ok(new Request("http://localhost/x/1"));
    const boom = withHttpMetrics("/y", async (_request: Request): Promise<Response> => {
      throw new Error("boom");
    });
    await expect(boom(new Request("http://localhost/y", { method: "POST" }))).rejects.toThrow("boom");
    const out = renderCountersAndHistograms();
    expect(out).toContain('completeness_console_http_requests_total{route="/x/[id]",method="GET",status="204"} 1\n');
    expect(out).toContain('completeness_console_http_requests_total{route="/y",method="POST",status="500"} 1\n');
    expect(out).toContain('completeness_console_http_request_duration_seconds_count{route="/y",method="POST"} 1\n');
  });

  it("timeWarehouseCall records ok, error and guard_failed outcomes", async () => {
    await timeWarehouseCall("a", async () => 1);
    await expect(timeWarehouseCall("a", () => Promise.reject(new Error("x")))).rejects.toThrow();
    const guard = Object.assign(new Error("changed"), { name: "GuardFailedError" });
    await expect(timeWarehouseCall("a", () => Promise.reject(guard))).rejects.toBe(guard);
    const out = renderCountersAndHistograms();
    for (const outcome of ["ok", "error", "guard_failed"]) expect(out).toContain(`completeness_console_warehouse_queries_total{label="a",outcome="${outcome}"} 1\n`);
  });
});

describe("who may scrape", () => {
  const TOKEN = "m".repeat(32);
  const req = (headers: Record<string, string>, url = "http://localhost:3000/metrics") => new Request(url, { headers });

  it("with METRICS_TOKEN: the bearer token only", () => {
    const env = { METRICS_TOKEN: TOKEN, WAREHOUSE: "embedded" as const };
    expect(authorizeScrape(req({ authorization: `Bearer ${TOKEN}` }), env)).toEqual({ ok: true });
    expect(authorizeScrape(req({ authorization: `bearer ${TOKEN}` }), env)).toEqual({ ok: true });
    expect(authorizeScrape(req({}), env)).toMatchObject({ ok: false, status: 401 });
    expect(authorizeScrape(req({ authorization: `Bearer ${TOKEN}x` }), env)).toMatchObject({ ok: false, status: 401 });
    expect(authorizeScrape(req({ authorization: `Basic ${TOKEN}` }), env)).toMatchObject({ ok: false, status: 401 });
    // The token wins over loopback: a local request without it is refused too.
    expect(authorizeScrape(req({ "x-forwarded-for": "127.0.0.1", host: "localhost:3000" }), env)).toMatchObject({ ok: false, status: 401 });
  });

  it("without METRICS_TOKEN: loopback requests to the embedded console only, judged by the socket", () => {
    (globalThis as { __completenessRequestGate?: string }).__completenessRequestGate = "gate-stamp";
    const env = { WAREHOUSE: "embedded" as const };
    // X-Forwarded-For as the server holds it: whatever the client wrote, then the socket's address.
    expect(authorizeScrape(req({ "x-completeness-gate": "gate-stamp", "x-forwarded-for": "127.0.0.1", host: "localhost:3000" }), env)).toEqual({ ok: true });
    expect(authorizeScrape(req({ "x-completeness-gate": "gate-stamp", "x-forwarded-for": "::1", host: "[::1]:3000" }), env)).toEqual({ ok: true });
    expect(authorizeScrape(req({ "x-completeness-gate": "gate-stamp", "x-forwarded-for": "::ffff:127.0.0.1", host: "127.0.0.1:3000" }), env)).toEqual({ ok: true });
    expect(authorizeScrape(req({ "x-completeness-gate": "gate-stamp" }), env)).toMatchObject({ ok: false, status: 403 });
    expect(authorizeScrape(req({ "x-completeness-gate": "gate-stamp", "x-forwarded-for": "10.0.0.5", host: "localhost:3000" }), env)).toMatchObject({ ok: false, status: 403 });
    // A remote client writing a loopback address and Host is still remote.
    expect(authorizeScrape(req({ "x-completeness-gate": "gate-stamp", "x-forwarded-for": "127.0.0.1, 203.0.113.9", host: "localhost:3000" }), env)).toMatchObject({ ok: false, status: 403 });
    // Behind one trusted proxy on this machine, the address it saw is judged.
    const proxied = { ...env, TRUSTED_PROXIES: "1" };
    expect(authorizeScrape(req({ "x-completeness-gate": "gate-stamp", "x-forwarded-for": "203.0.113.9, 127.0.0.1" }), proxied)).toMatchObject({ ok: false, status: 403 });
    expect(authorizeScrape(req({ "x-completeness-gate": "gate-stamp", "x-forwarded-for": "127.0.0.1, 127.0.0.1" }), proxied)).toEqual({ ok: true });
    expect(authorizeScrape(req({ "x-completeness-gate": "gate-stamp", "x-forwarded-for": "127.0.0.1", host: "localhost:3000" }), { WAREHOUSE: "bigquery" })).toMatchObject({ ok: false, status: 403 });
    // Without the socket-address hook nothing can be told apart: nothing is loopback.
    (globalThis as { __completenessRequestGate?: string }).__completenessRequestGate = "another-stamp";
    expect(authorizeScrape(req({ "x-completeness-gate": "gate-stamp", "x-forwarded-for": "127.0.0.1", host: "localhost:3000" }), env)).toMatchObject({ ok: false, status: 403 });
  });

  it("compares tokens in constant time, by value", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });
});

describe("the strict test parser refuses what the format forbids", () => {
  it.each([
    ["a bad escape", 'x{a="\\t"} 1\n'],
    ["a missing final line feed", "x 1"],
    ["TYPE after samples", "x 1\n# TYPE x gauge\n"],
    ["a non-contiguous family", "# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\nx{a=\"b\"} 2\n"],
    ["a duplicate series", "x 1\nx 2\n"],
    ["a non-number", "x one\n"],
    ["non-cumulative buckets", '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ["a histogram without +Inf", '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
  ])("%s", (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
