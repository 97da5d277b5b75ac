/**
 * The Grafana dashboard and the Prometheus alerting rules shipped in docs/
 * reference only metrics GET /metrics exposes (the registry's list, which the route's
 * integration test holds equal to a real scrape), and the rules carry the console's three alerts
 * with its default thresholds and a known severity.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { DEFAULT_ALERT_THRESHOLDS } from "@/lib/completeness/alerts";
import { EXPOSED_SERIES_NAMES } from "@/lib/metrics/registry";
import { TRIP_RATE_ALERT_PCT } from "@/lib/monitoring/trip-rate";

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url)), "utf8");
const METRIC = /\bcompleteness_console_[a-zA-Z0-9_:]+/g;
const metricsIn = (expr: string) => expr.match(METRIC) ?? [];

// ---------------------------------------------------------------------------------------------
// A minimal, strict YAML reader for the rules file's subset: block mappings, block sequences of
// mappings, plain / 'single' / "double" quoted scalars, full-line comments. Anything else throws.

type Yaml = string | Yaml[] | { [key: string]: Yaml };
interface Line {
  no: number;
  indent: number;
  text: string;
}

function scalar(raw: string, no: number): string {
  if (raw.startsWith('"')) {
    if (!raw.endsWith('"') || raw.length < 2) throw new Error(`line ${no}: unterminated "string"`);
    return JSON.parse(raw) as string;
  }
  if (raw.startsWith("'")) {
    if (!raw.endsWith("'") || raw.length < 2 || /[^']'[^']/.test(raw.slice(1, -1).replace(/''/g, ""))) throw new Error(`line ${no}: bad 'string'`);
    return raw.slice(1, -1).replace(/''/g, "'");
  }
  if (/^[[{&*!|>%@`]/.test(raw) || / #/.test(raw) || /: /.test(raw)) throw new Error(`line ${no}: unsupported scalar ${raw}`);
  return raw;
}

function parseYaml(text: string): Yaml {
  const lines: Line[] = text.split("\n").flatMap((raw, i) => {
    if (raw.includes("\t")) throw new Error(`line ${i + 1}: tab`);
    const trimmed = raw.trim();
    return trimmed === "" || trimmed.startsWith("#") ? [] : [{ no: i + 1, indent: raw.length - raw.trimStart().length, text: raw.trimEnd().trimStart() }];
  });
  let i = 0;
  const block = (indent: number): Yaml => {
    const first = lines[i]!;
    if (first.indent !== indent) throw new Error(`line ${first.no}: expected indent ${indent}`);
    if (first.text.startsWith("- ")) {
      const items: Yaml[] = [];
      while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith("- ")) {
        const line = lines[i]!;
        lines[i] = { no: line.no, indent: indent + 2, text: line.text.slice(2) };
        items.push(block(indent + 2));
      }
      return items;
    }
    const map: { [key: string]: Yaml } = {};
    while (i < lines.length && lines[i]!.indent === indent && !lines[i]!.text.startsWith("- ")) {
      const line = lines[i]!;
      const m = /^([A-Za-z_][\w-]*):(?: (.*))?$/.exec(line.text);
      if (!m) throw new Error(`line ${line.no}: expected "key: value"`);
      const [, key, value] = m;
      if (key! in map) throw new Error(`line ${line.no}: duplicate key ${key}`);
      i++;
      if (value !== undefined && value.trim() !== "") map[key!] = scalar(value.trim(), line.no);
      else {
        const next = lines[i];
        if (!next || next.indent <= indent) throw new Error(`line ${line.no}: ${key} has no value`);
        map[key!] = block(next.indent);
      }
    }
    if (i < lines.length && lines[i]!.indent > indent) throw new Error(`line ${lines[i]!.no}: unexpected indent`);
    return map;
  };
  const doc = block(0);
  if (i !== lines.length) throw new Error(`line ${lines[i]!.no}: unexpected content`);
  return doc;
}

// ---------------------------------------------------------------------------------------------

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
}

describe("docs/grafana/completeness-console.json", () => {
  const dashboard = JSON.parse(read("docs/grafana/completeness-console.json")) as {
    title: string;
    uid: string;
    panels: Panel[];
    templating: { list: { name: string; definition?: string }[] };
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
  const templateQueries = dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : []));

  it("parses as a dashboard with unique panel ids and a layout", () => {
    expect(dashboard.title).toBe("Completeness Console");
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p.gridPos.w * p.gridPos.h).toBeGreaterThan(0);
    expect(exprs.length).toBeGreaterThan(0);
  });

  it("every expression references metrics, and only metrics GET /metrics exposes", () => {
    for (const { panel, expr } of [...exprs, ...templateQueries.map((expr) => ({ panel: "templating", expr }))]) {
      expect(metricsIn(expr), `${panel}: ${expr}`).not.toHaveLength(0);
      for (const name of metricsIn(expr)) expect(EXPOSED_SERIES_NAMES, `${panel}: ${name}`).toContain(name);
    }
  });

  it("shows readiness, completeness, breakers, alerts, request rate and latency, warehouse latency", () => {
    const used = new Set(exprs.flatMap(({ expr }) => metricsIn(expr)));
    for (const name of [
      "completeness_console_production_ready_pct",
      "completeness_console_avg_completeness_pct",
      "completeness_console_active_breakers",
      "completeness_console_alert_active",
      "completeness_console_http_requests_total",
      "completeness_console_http_request_duration_seconds_bucket",
      "completeness_console_warehouse_query_duration_seconds_bucket",
    ]) {
      expect(used, name).toContain(name);
    }
  });
});

describe("docs/alertmanager/completeness-rules.yml", () => {
  const doc = parseYaml(read("docs/alertmanager/completeness-rules.yml")) as { groups: { name: string; rules: Record<string, Yaml>[] }[] };
  const rules = doc.groups.flatMap((g) => g.rules);

  it("parses into groups of rules", () => {
    expect(doc.groups.length).toBeGreaterThan(0);
    for (const g of doc.groups) expect(g.name).toMatch(/\S/);
    expect(rules.length).toBeGreaterThanOrEqual(3);
  });

  it("every rule references only exposed metrics and has severity critical, warning or info", () => {
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
      const expr = rule.expr as string;
      expect(metricsIn(expr), String(rule.alert)).not.toHaveLength(0);
      for (const name of metricsIn(expr)) expect(EXPOSED_SERIES_NAMES, `${String(rule.alert)}: ${name}`).toContain(name);
      expect(["critical", "warning", "info"]).toContain((rule.labels as Record<string, string>).severity);
      const annotations = rule.annotations as Record<string, string>;
      expect(annotations.summary).toMatch(/\{\{ \$value/); // the number that raised it
      expect(annotations.console_url).toMatch(/^https:\/\/[^/]+\//); // a link to the console page
    }
  });

  it("carries the console's three alerts with its default thresholds", () => {
    const t = DEFAULT_ALERT_THRESHOLDS;
    const bySeverity = (severity: string) => rules.filter((r) => (r.labels as Record<string, string>).severity === severity).map((r) => r.expr as string);
    expect(bySeverity("critical")).toEqual([
      `sum(completeness_console_active_breakers) > ${t.criticalActiveBreakers}`,
      "max by (incident, cause_kind) (completeness_console_incident_keys) > 0",
    ]);
    expect(bySeverity("warning")).toContain(`completeness_console_production_ready_pct < ${t.warningReadyPct}`);
    const info = bySeverity("info");
    expect(info).toHaveLength(1);
    expect(info[0]).toMatch(new RegExp(`completeness_console_avg_completeness_pct.*completeness_console_records.* < ${t.infoAvgCompleteness}$`));
    const link = (alert: string) => (rules.find((r) => r.alert === alert)!.annotations as Record<string, string>).console_url;
    expect(link("CompletenessActiveBreakersHigh")).toMatch(/\/breakers\?tab=active$/);
    expect(link("CompletenessProductionReadyLow")).toMatch(/\/entities\?view=below-threshold&processor=\{\{ \$labels\.processor \}\}$/);
    expect(link("CompletenessAverageLow")).toMatch(/\/trends\?range=7$/);
  });

  it("pages once per incident: one alert per incident label, linking to that incident's page", () => {
    const incident = rules.find((r) => r.alert === "CompletenessIncidentOpen")!;
    // Aggregated by the incident label (and only labels an incident has one value of), so a
    // thousand tripped keys of one outage are one alert, and two replicas are still one.
    const by = /^max by \(([a-z_, ]+)\) \(completeness_console_incident_keys\) > 0$/.exec(incident.expr as string);
    expect(by, String(incident.expr)).not.toBeNull();
    expect(by![1]!.split(/,\s*/).sort()).toEqual(["cause_kind", "incident"]);
    expect((incident.labels as Record<string, string>).severity).toBe("critical");
    expect((incident.annotations as Record<string, string>).console_url).toMatch(/\/incidents\/\{\{ \$labels\.incident \}\}$/);
    // No rule pages per breaker key: none keeps an entity or analysis-date label.
    for (const rule of rules) expect(String(rule.expr)).not.toMatch(/entity|analysis_date/);
  });

  it("alerts on a processor's trip rate above the console's level, per processor", () => {
    const rule = rules.find((r) => r.alert === "CompletenessTripRateHigh")!;
    expect(rule.expr).toBe(`max by (processor) (completeness_console_trip_rate) > ${TRIP_RATE_ALERT_PCT / 100}`);
    expect((rule.labels as Record<string, string>).severity).toBe("warning");
    expect((rule.annotations as Record<string, string>).console_url).toMatch(/processor=\{\{ \$labels\.processor \}\}$/);
  });

  it("the YAML reader is strict", () => {
    expect(() => parseYaml("a: 1\n  b: 2\n")).toThrow();
    expect(() => parseYaml("a: [1, 2]\n")).toThrow();
    expect(() => parseYaml("a: 1\na: 2\n")).toThrow();
    expect(parseYaml("a:\n  - b: 'it''s'\n    c: \"x \\\"y\\\"\"\n")).toEqual({ a: [{ b: "it's", c: 'x "y"' }] });
  });
});
