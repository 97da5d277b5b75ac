/**
 * The CLI's human-readable output: plain aligned tables (cli-table3 without borders), one
 * section per processor. `--json` prints the API bodies instead.
 */
import Table from "cli-table3";

import { type LatestOutcome, type OutcomeCounts, OUTCOME_LABELS, countOutcomes, outcomeSummary } from "@/lib/breakers/outcomes";
import { PROCESSOR_NAMES } from "@/lib/completeness/processors";

import type { ActiveBreakersBody, BulkPreviewBody, EntityBody, MonitoringBody, MonitoringWithOutcomesBody, ProcessorSectionBody } from "./types";

type Cell = string | number | boolean | null | undefined;

const NO_BORDER = {
  top: "", "top-mid": "", "top-left": "", "top-right": "",
  bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "",
  left: "", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "", middle: "  ",
};

function cell(value: Cell): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

export function table(head: string[], rows: Cell[][]): string {
  const t = new Table({ head, chars: NO_BORDER, style: { head: [], border: [], "padding-left": 0, "padding-right": 0 } });
  for (const row of rows) t.push(row.map(cell));
  return t.toString();
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${v.toFixed(1)}%`);

// ------------------------------------------------------------------------------------------------
// breakers status

export interface StatusFilter {
  processor?: string;
  entity?: string;
  activeOnly: boolean;
  /** Only the active keys whose verdict is safe to override now (--safe). */
  safe?: boolean;
}

export interface StatusSummaryRow {
  processor: string;
  rows: number;
  unique_entities: number;
  trips: number;
  overrides: number;
  active_now: number;
}

export interface StatusReport {
  filter: StatusFilter;
  now: string;
  active: ActiveBreakersBody["rows"];
  /** Newest first, at most 50 (absent with --active-only). */
  history: MonitoringBody<"breaker-history">["rows"] | null;
  summary: StatusSummaryRow[];
  /** The latest override of each listed key ever overridden, with what it led to (from the API). */
  outcomes: LatestOutcome[];
  /** Those outcomes counted. */
  outcome_counts: OutcomeCounts;
}

const DETAIL_LIMIT = 50;

/** The original script's detail and summary, over the console's own monitoring reads. */
export function statusReport(
  filter: StatusFilter,
  active: ActiveBreakersBody,
  history: MonitoringWithOutcomesBody<"breaker-history"> | null,
): StatusReport {
  const keep = (r: { processor: string; entity_id: string }) =>
    (!filter.processor || r.processor === filter.processor) && (!filter.entity || r.entity_id === filter.entity);
  // The server filtered by verdict when asked (safe=yes); kept here too so a report never lists an unsafe key as safe.
  const activeRows = active.rows.filter((r) => keep(r) && (!filter.safe || r.verdict?.safe === true));
  const historyRows = history ? history.rows.filter(keep) : null;
  const processors = filter.processor ? [filter.processor] : [...PROCESSOR_NAMES];
  const summary = processors.map((processor): StatusSummaryRow => {
    const rows = (historyRows ?? []).filter((r) => r.processor === processor);
    return {
      processor,
      rows: rows.length,
      unique_entities: new Set(rows.map((r) => r.entity_id)).size,
      trips: rows.filter((r) => r.event === "trip").length,
      overrides: rows.filter((r) => r.event === "override").length,
      active_now: activeRows.filter((r) => r.processor === processor).length,
    };
  });
  summary.sort((a, b) => b.active_now - a.active_now || b.trips - a.trips || a.processor.localeCompare(b.processor));
  const listed = new Set([...activeRows, ...(historyRows ?? [])].map(keyId));
  const outcomes = [...new Map([...active.outcomes, ...(history?.outcomes ?? [])].map((o) => [keyId(o), o])).values()].filter((o) => listed.has(keyId(o)));
  return {
    filter,
    now: active.now,
    active: activeRows,
    history: historyRows ? historyRows.slice(0, DETAIL_LIMIT) : null,
    summary,
    outcomes,
    outcome_counts: countOutcomes(outcomes.map((o) => o.outcome)),
  };
}

const keyId = (k: { processor: string; entity_id: string; analysis_date: string }) => `${k.processor}|${k.entity_id}|${k.analysis_date}`;

/** "processed (jordan.oncall)" — the key's latest override's outcome, or nothing when never overridden. */
function latestOutcomeCell(report: StatusReport, k: { processor: string; entity_id: string; analysis_date: string }): string | null {
  const o = report.outcomes.find((x) => keyId(x) === keyId(k));
  return o ? `${OUTCOME_LABELS[o.outcome]}${o.actor ? ` (${o.actor})` : ""}` : null;
}

export function renderStatus(report: StatusReport): string {
  const lines: string[] = [];
  const f = report.filter;
  lines.push(`=== Circuit breakers at ${report.now} ===`);
  lines.push(`processor: ${f.processor ?? "all"} · entity: ${f.entity ?? "all"} · ${f.safe ? "active and safe to override now" : f.activeOnly ? "active only" : "rows of the last 30 days"}`, "");
  if (f.activeOnly) {
    lines.push(
      report.active.length
        ? table(
            ["processor", "entity", "date", "attempts", "completeness", "skip reason", "until", "hours left", "verdict now", "last override led to"],
            report.active.map((r) => [r.processor, r.entity_id, r.analysis_date, r.attempt_number, pct(r.completeness_pct), r.skip_reason, r.breaker_until, r.hours_remaining.toFixed(1), r.verdict?.text ?? "not checked", latestOutcomeCell(report, r)]),
          )
        : f.safe
          ? "No active breaker is safe to override now."
          : "No active breakers match.",
    );
  } else {
    const rows = report.history ?? [];
    lines.push(
      rows.length
        ? table(
            ["attempted at", "processor", "entity", "date", "#", "event", "completeness", "skip reason", "actor", "last override led to"],
            rows.map((r) => [r.attempted_at, r.processor, r.entity_id, r.analysis_date, r.attempt_number, r.event, pct(r.completeness_pct), r.skip_reason, r.actor, latestOutcomeCell(report, r)]),
          ) + (rows.length === DETAIL_LIMIT ? `\n(newest ${DETAIL_LIMIT} rows; --json or the console's breakers page for all)` : "")
        : "No breaker rows match in the last 30 days.",
    );
  }
  lines.push("", "=== Summary ===");
  lines.push(
    table(
      ["processor", "rows (30 d)", "entities", "trips", "overrides", f.safe ? "safe now" : "active now"],
      report.summary.map((s) => [s.processor, s.rows, s.unique_entities, s.trips, s.overrides, s.active_now]),
    ),
  );
  const counted = outcomeSummary(report.outcome_counts);
  lines.push(
    "",
    counted
      ? `Latest override of ${report.outcomes.length} listed ${report.outcomes.length === 1 ? "key" : "keys"} led to: ${counted}`
      : "Latest override outcomes: no listed key was ever overridden",
  );
  return lines.join("\n");
}

// ------------------------------------------------------------------------------------------------
// check, override, reset

export function renderTimeline(events: ProcessorSectionBody["breaker"] extends { ok: true; value: infer T } | { ok: false } ? T extends { events: infer E } ? E : never : never): string {
  if (!events.length) return "No breaker rows for this key.";
  return table(
    ["attempted at", "event", "#", "completeness", "skip reason", "actor", "until", "led to", "notes"],
    events.map((e) => [e.attemptedAt, e.event, e.attemptNumber, pct(e.completenessPct), e.skipReason, e.actor, e.until, e.outcome ? OUTCOME_LABELS[e.outcome] : null, e.notes ? e.notes.slice(0, 60) : null]),
  );
}

export function renderKeyState(key: { processor: string; entity_id: string; analysis_date: string }, section: ProcessorSectionBody): string {
  const lines = [`Key: ${key.processor} / ${key.entity_id} / ${key.analysis_date}`];
  if (section.breaker.ok) {
    const s = section.breaker.value.state;
    lines.push(`Breaker: ${s.status}${s.until ? ` until ${s.until}` : ""} · ${s.consecutiveFailures} consecutive failures · ${s.attemptCount} attempts`);
    lines.push(renderTimeline(section.breaker.value.events));
  } else {
    lines.push(`Breaker: could not be read (${section.breaker.message})`);
  }
  if (section.verdict) lines.push(`Live recheck: ${section.verdict.headline}`);
  else if (!section.live.ok) lines.push(`Live recheck: failed (${section.live.message})`);
  return lines.join("\n") + "\n";
}

function renderSection(s: ProcessorSectionBody, date: string): string {
  const lines = [`--- ${s.processor} (${s.short}) · key ${s.entityId} / ${date} · threshold ${s.threshold}% ---`];
  if (!s.stored.ok) lines.push(`Stored row: could not be read (${s.stored.message})`);
  else if (!s.stored.value) lines.push(`Stored row: none.${s.noRowHint ? ` ${s.noRowHint}` : ""}`);
  else {
    const r = s.stored.value;
    lines.push(
      table(
        ["expected", "actual", "completeness", "missing", "production ready", "breaker active", "until", "bootstrap", "reason"],
        [[r.expected, r.actual, pct(r.completenessPct), r.missing, r.productionReady, r.breakerActive, r.breakerUntil, r.bootstrap, r.reason]],
      ),
    );
    if (r.windows.length) {
      lines.push(table(["stored window", "completeness", "complete"], r.windows.map((w) => [w.label, pct(w.completenessPct), w.isComplete])));
    }
  }
  if (s.live.ok) {
    const live = s.live.value;
    lines.push(`Live recheck at ${live.readAt}${live.team ? ` (team ${live.team})` : ""}: ${live.decision.summary}`);
    lines.push(
      table(
        ["window", "final games searched", "expected", "actual", "completeness", "ready", "missing games"],
        live.windows.map((w) => [
          w.label,
          w.from && w.to ? `${w.from} – ${w.to}` : null,
          w.expected,
          w.actual,
          w.noGamesExpected ? "no games expected" : pct(w.completenessPct),
          w.ready,
          w.missingGames.map((g) => `${g.date} vs ${g.opponent} (${g.gameId})`).join(", ") || "none",
        ]),
      ),
    );
  } else {
    lines.push(`Live recheck: failed (${s.live.message})`);
  }
  if (s.verdict) lines.push(`Verdict: ${s.verdict.headline}`, ...s.verdict.details.map((d) => `  · ${d}`));
  if (s.breaker.ok) {
    const st = s.breaker.value.state;
    lines.push(`Breaker: ${st.status}${st.until ? ` until ${st.until}` : ""} · ${st.consecutiveFailures} consecutive failures`);
    lines.push(renderTimeline(s.breaker.value.events));
  } else {
    lines.push(`Breaker: could not be read (${s.breaker.message})`);
  }
  return lines.join("\n");
}

export function renderCheck(detail: EntityBody): string {
  const head = `=== ${detail.kindLabel} ${detail.entity} on ${detail.date} (${detail.dateSource === "latest" ? "latest date with output" : detail.dateSource}) ===`;
  const nav = [detail.dates.previous ? `previous ${detail.dates.previous}` : "", detail.dates.next ? `next ${detail.dates.next}` : ""].filter(Boolean).join(" · ");
  const safe = detail.processors.filter((s) => s.verdict?.kind === "override_safe");
  const footer = safe.length
    ? `\n\nAn override is safe for:\n${safe.map((s) => `  completeness override --processor ${s.processor} --entity ${s.entityId} --date ${detail.date} --reason "…"`).join("\n")}`
    : "";
  return [head, nav, ...detail.processors.map((s) => `\n${renderSection(s, detail.date)}`)].filter(Boolean).join("\n") + footer;
}

// ------------------------------------------------------------------------------------------------
// bulk-override

export function renderBulkPreview(preview: BulkPreviewBody): string {
  const byProcessor = new Map<string, { keys: number; entities: Set<string>; from: string; to: string }>();
  for (const c of preview.changes) {
    const p = byProcessor.get(c.processor) ?? { keys: 0, entities: new Set<string>(), from: c.analysis_date, to: c.analysis_date };
    p.keys++;
    p.entities.add(c.entity_id);
    if (c.analysis_date < p.from) p.from = c.analysis_date;
    if (c.analysis_date > p.to) p.to = c.analysis_date;
    byProcessor.set(c.processor, p);
  }
  const lines = ["=== Impact preview ==="];
  lines.push(table(["processor", "breakers", "entities", "earliest", "latest"], [...byProcessor].map(([p, v]) => [p, v.keys, v.entities.size, v.from, v.to])));
  lines.push(`Total: ${preview.changes.length} active breakers${preview.skipped.length ? ` (${preview.skipped.length} matching keys are not active and stay as they are)` : ""}.`, "");
  lines.push("Sample:");
  lines.push(
    table(
      ["processor", "entity", "date", "now", "until", "after"],
      preview.changes.slice(0, 10).map((c) => [c.processor, c.entity_id, c.analysis_date, c.before.status, c.before.until, c.after.status]),
    ),
  );
  lines.push("", `What the override gives these processors: ${preview.consequence}`);
  return lines.join("\n") + "\n";
}
