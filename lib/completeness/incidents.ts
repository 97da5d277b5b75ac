/**
 * Incidents: failing and tripped breaker keys grouped by what caused them. Client-safe, pure.
 *
 * The shapes every layer shares (engine, data layer, API, pages, CLI). The grouping rules and
 * their implementation live here too.
 */
import { type BreakerRowInput, type BreakerStatus, type OverrideOutcome, eventOf, overrideOutcomes, sortAttempts } from "./breaker";
import { type IsoDate, instantMicros, toPreciseInstant } from "./dates";
import { PROCESSOR_NAMES, type ProcessorName, getProcessor } from "./processors";

/** What a group of keys is waiting for. */
export type IncidentKind =
  /** Whole games (every team row of the game) missing from an upstream table. */
  | "upstream_gap"
  /** One player's row missing from a game whose team box score is there. */
  | "player_row"
  /** A cascade processor waiting for an upstream processor's output that no gap explains. */
  | "upstream_processor"
  /** Failed although nothing was missing when it ran (e.g. the original checker's 0% for windows that expected no game). */
  | "nothing_missing";

export type IncidentStatus =
  /** Some key is still tripped or failing. */
  | "open"
  /** No key is tripped or failing any more (overridden, processed, reset or expired). */
  | "closed";

export interface IncidentKey {
  processor: ProcessorName;
  entity_id: string;
  analysis_date: IsoDate;
  /** Breaker status now. */
  state: BreakerStatus;
  /** The key's data is complete now (live recheck: own windows and, for cascades, upstream processors ready). Null when not checked (closed keys). */
  recovered: boolean | null;
  /** What is still missing now, in words (empty when recovered). */
  still_missing: string | null;
  /** What the latest override of the key led to, or null when it was never overridden since it failed. */
  outcome: OverrideOutcome | null;
  /** When the key first failed for this cause (the first failure of its current streak). */
  failed_at: string;
  /** When it tripped, if it did. */
  tripped_at: string | null;
}

export interface Incident {
  /** Stable across reloads while its cause is the same: derived from its root cause, not a counter. */
  id: string;
  kind: IncidentKind;
  /** In words: "player_game_summary missing for 14 games, Dec 3–5, 9 teams". */
  cause: string;
  /** `dataset.table` of the upstream the rows are missing from; null for nothing_missing. */
  upstream_table: string | null;
  /** Game dates of the missing upstream rows, ascending. */
  missing_dates: IsoDate[];
  /** Teams whose rows are missing, ascending. */
  teams: string[];
  /** Number of keys. */
  keys: number;
  processors: ProcessorName[];
  entities: number;
  /** Analysis dates of the keys, ascending. */
  dates: IsoDate[];
  /** Keys whose data is complete now. */
  recovered_keys: number;
  /** Keys still tripped or failing. */
  open_keys: number;
  /** The earliest failure of its keys. */
  opened_at: string;
  status: IncidentStatus;
  /** Trips per day (UTC day of the trip). */
  trips_by_day: { day: IsoDate; trips: number }[];
}

export interface IncidentDetail extends Incident {
  keys_list: IncidentKey[];
}

// ---------------------------------------------------------------------------------------------
// A key's failing streak

/** A key of a breaker, by canonical processor. */
export interface IncidentKeyRef {
  processor: ProcessorName;
  entity_id: string;
  analysis_date: IsoDate;
}

export function incidentKeyString(key: IncidentKeyRef): string {
  return `${key.processor}|${key.entity_id}|${key.analysis_date}`;
}

export interface KeyStreak {
  /** The first failure of the streak: the failure whose cause the key is grouped by. */
  first: BreakerRowInput;
  /** The streak's latest failure (the key is in scope when it is recent). */
  last: BreakerRowInput;
  /** Instants of the streak's trips. */
  trips: string[];
  /** An override was applied during the streak. */
  overridden: boolean;
  /** The streak ended: a success or recovery after its override (kept to show what the override led to). */
  ended: boolean;
}

/**
 * A key's current failing streak at `now`, from its rows (any order): its failures since the last
 * success, recovery or reset. An override does not end it — what follows the override is what
 * the override led to — and a streak that was overridden and then succeeded is still returned
 * (`ended`), until the key fails again (a new streak) or is reset. A streak that ended on a
 * success with no override is over: the key healed by itself (null).
 */
export function keyStreak(rows: readonly BreakerRowInput[], now: string): KeyStreak | null {
  const nowUs = instantMicros(now);
  let streak: KeyStreak | null = null;
  let kept: KeyStreak | null = null;
  for (const row of sortAttempts(rows.filter((r) => instantMicros(r.attempted_at) <= nowUs))) {
    const event = eventOf(row);
    if (event === "reset") {
      streak = kept = null;
    } else if (event === "failure" || event === "trip") {
      if (!streak) streak = { first: row, last: row, trips: [], overridden: false, ended: false };
      kept = null;
      streak.last = row;
      if (event === "trip") streak.trips.push(toPreciseInstant(row.attempted_at));
    } else if (event === "override") {
      if (streak) streak.overridden = true;
    } else {
      if (streak?.overridden) kept = { ...streak, ended: true };
      streak = null;
    }
  }
  return streak ?? kept;
}

/** The outcome of the latest override applied during the streak, or null when none was. */
export function streakOutcome(rows: readonly BreakerRowInput[], streak: KeyStreak, processedAt: string | null = null): OverrideOutcome | null {
  const fromUs = instantMicros(streak.first.attempted_at);
  const overrides = overrideOutcomes(rows, processedAt).filter((o) => instantMicros(o.at) >= fromUs);
  return overrides.at(-1)?.outcome ?? null;
}

// ---------------------------------------------------------------------------------------------
// Grouping

/** An upstream row a key's windows were missing when it failed. */
export interface MissingRow {
  /** `dataset.table` it was missing from. */
  table: string;
  game_id: string;
  game_date: IsoDate;
  /** The team whose rows were missing. */
  team: string;
  /** Null: the team's whole box score was absent; else only this player's row was (his team's box score was there). */
  player: string | null;
}

/** One in-scope key with what it was missing when it failed and what it is now. */
export interface KeyCause extends IncidentKeyRef {
  state: BreakerStatus;
  recovered: boolean | null;
  still_missing: string | null;
  outcome: OverrideOutcome | null;
  failed_at: string;
  tripped_at: string | null;
  /** Instants of the streak's trips. */
  trips: string[];
  /** Rows its blocking windows were missing at its first failure (own-data failures). */
  missing: MissingRow[];
  /**
   * Its blocking windows at that failure: games expected, games present, and the rows missing
   * (`missingRowId`). Decides which missing rows were causes (`sufficientCauses`).
   */
  windows: FailedWindow[];
  /** The threshold those windows were held to. */
  threshold: number;
  /** Upstream processors' keys it was waiting for at its first failure (cascade failures). */
  waits_for: IncidentKeyRef[];
}

export interface FailedWindow {
  expected: number;
  actual: number;
  /** `missingRowId` of each missing row. */
  missing: string[];
}

/** The id of a missing row within a key's windows: the game, and the player when only his row was missing. */
export function missingRowId(row: Pick<MissingRow, "game_id" | "player">): string {
  return `${row.game_id}|${row.player ?? ""}`;
}

/**
 * Which of a failure's candidate causes caused it. Each missing row belongs to one cause (a
 * whole game, an outage, one player's row); a cause is SUFFICIENT when, had only its rows been
 * missing (every other missing row present), some failed window would still have been below the
 * threshold. The failure's causes are its sufficient ones; when none suffices alone (they failed
 * it only together), all of them. So a key missing one player row and two outage games in a
 * 10-game window (80%) is explained by the outage alone (the row alone leaves 90%): the row does
 * not tie the outage to an unrelated incident.
 */
export function sufficientCauses(windows: readonly FailedWindow[], causeOf: (rowId: string) => string, threshold: number): string[] {
  const sufficient = new Set<string>();
  const all = new Set<string>();
  for (const w of windows) {
    if (w.expected <= 0) continue;
    const counts = new Map<string, number>();
    for (const id of w.missing) {
      const cause = causeOf(id);
      counts.set(cause, (counts.get(cause) ?? 0) + 1);
      all.add(cause);
    }
    const present = w.actual + w.missing.length;
    for (const [cause, n] of counts) if (((present - n) / w.expected) * 100 < threshold) sufficient.add(cause);
  }
  return [...(sufficient.size ? sufficient : all)].sort();
}

/**
 * Outage dates: a game date on which, at some key's failing check, EVERY final game was missing
 * from the table that key reads. `earliestArrival(table, date)` is when the first team box score
 * of that date arrived in that table (null: none yet; -Infinity: present with no recorded time).
 */
export function outageDates(
  keys: readonly Pick<KeyCause, "failed_at" | "missing">[],
  earliestArrival: (table: string, date: IsoDate) => number | null,
): Set<IsoDate> {
  const dates = new Set<IsoDate>();
  for (const k of keys) {
    const at = instantMicros(k.failed_at);
    for (const m of k.missing) {
      if (m.player !== null || dates.has(m.game_date)) continue;
      const first = earliestArrival(m.table, m.game_date);
      if (first === null || first > at) dates.add(m.game_date);
    }
  }
  return dates;
}

/**
 * Runs of outage dates consecutive in the schedule (`gameDates`: every date with a final game,
 * ascending): date → the run's first and last date.
 */
export function outageRuns(outages: ReadonlySet<IsoDate>, gameDates: readonly IsoDate[]): Map<IsoDate, { from: IsoDate; to: IsoDate }> {
  const runs = new Map<IsoDate, { from: IsoDate; to: IsoDate }>();
  const sorted = [...new Set([...gameDates, ...outages])].sort();
  let current: { from: IsoDate; to: IsoDate } | null = null;
  for (const d of sorted) {
    if (!outages.has(d)) {
      current = null;
      continue;
    }
    if (current) current.to = d;
    else current = { from: d, to: d };
    runs.set(d, current);
  }
  return runs;
}

type Unit =
  | { kind: "outage"; id: string; date: IsoDate; from: IsoDate; to: IsoDate }
  | { kind: "game"; id: string; date: IsoDate }
  | { kind: "row"; id: string; date: IsoDate }
  | { kind: "waits"; id: string; date: IsoDate; key: IncidentKeyRef }
  | { kind: "nothing"; id: string; date: IsoDate };

const CAUSE_RANK: Readonly<Record<Unit["kind"], number>> = { outage: 0, game: 1, row: 2, waits: 3, nothing: 4 };

/** The units a key's cause consists of; cascade links to in-scope keys are returned apart. */
function unitsOf(key: KeyCause, runs: ReadonlyMap<IsoDate, { from: IsoDate; to: IsoDate }>, inScope: ReadonlySet<string>): { units: Unit[]; links: string[] } {
  const candidates = new Map<string, Unit>();
  const unitOfRow = new Map<string, string>();
  for (const m of key.missing) {
    let unit: Unit;
    if (m.player !== null) unit = { kind: "row", id: `row|${m.game_id}|${m.player}`, date: m.game_date };
    else {
      const run = runs.get(m.game_date);
      unit = run ? { kind: "outage", id: `outage|${run.from}|${run.to}`, date: run.from, from: run.from, to: run.to } : { kind: "game", id: `game|${m.game_id}`, date: m.game_date };
    }
    candidates.set(unit.id, unit);
    unitOfRow.set(missingRowId(m), unit.id);
  }
  const causes = new Set(sufficientCauses(key.windows, (row) => unitOfRow.get(row) ?? `row?${row}`, key.threshold));
  const sufficient = [...candidates.values()].filter((u) => causes.has(u.id));
  // The widest cause explains the key: an outage before a single game, a game before one
  // player's row. A key an outage would have failed anyway does not tie a player's missing row
  // (or a late box score) to that outage: the row stays its own small incident.
  const best = Math.min(...sufficient.map((u) => CAUSE_RANK[u.kind]));
  const units: Unit[] = sufficient.filter((u) => CAUSE_RANK[u.kind] === best);
  const links: string[] = [];
  for (const w of key.waits_for) {
    const id = incidentKeyString(w);
    if (inScope.has(id)) links.push(id);
    else units.push({ kind: "waits", id: `waits|${id}`, date: w.analysis_date, key: w });
  }
  if (units.length === 0 && links.length === 0) units.push({ kind: "nothing", id: "nothing", date: "" });
  return { units, links };
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    if (!this.parent.has(root)) this.parent.set(root, root);
    // Path compression.
    let node = x;
    while (node !== root) {
      const next = this.parent.get(node) ?? root;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The smaller id becomes the root: the result does not depend on the order of unions.
    if (ra === rb) return;
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }
}

/** FNV-1a, 32 bits, as 6 hex digits: a short stable suffix that is not a counter. */
function hash6(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0").slice(0, 6);
}

const TABLE_SHORT: Readonly<Record<string, string>> = {
  "nba_raw.bdl_player_boxscores": "bdl",
  "nba_analytics.player_game_summary": "pgs",
  "nba_analytics.team_defense_game_summary": "tdgs",
  "nba_raw.nbac_schedule": "schedule",
};
const tableName = (table: string) => table.slice(table.indexOf(".") + 1);

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function shortDate(date: IsoDate): string {
  return `${MONTHS[Number(date.slice(5, 7)) - 1]} ${Number(date.slice(8, 10))}`;
}
/** "Dec 3", "Dec 3–5", "Dec 30 – Jan 2" for the span of `dates` (ascending). */
export function dateSpan(dates: readonly IsoDate[]): string {
  if (dates.length === 0) return "";
  const first = dates[0]!;
  const last = dates.at(-1)!;
  if (first === last) return shortDate(first);
  if (first.slice(0, 7) === last.slice(0, 7)) return `${shortDate(first)}–${Number(last.slice(8, 10))}`;
  return `${shortDate(first)} – ${shortDate(last)}`;
}
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** Tables by how many missing rows name them, then by name. */
function tablesByWeight(rows: readonly MissingRow[]): string[] {
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.table, (count.get(r.table) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
}

/**
 * Group in-scope keys into incidents by what they were missing when they failed. Deterministic:
 * the same keys give the same incidents, in the same order, with the same ids.
 *
 * A key's units: each whole game it was missing (a team's box score absent) — or, when the
 * game's date is in an outage (`outages`: dates on which every final game was missing at some
 * failing check), that outage, from its first to its last date consecutive in the schedule
 * (`gameDates`); each single player row it was missing while his team's box score was there;
 * for a cascade failure, each upstream key it waited for (the key itself, joining its incident,
 * when it is in scope); nothing at all → the one `nothing_missing` unit. Keys sharing a unit
 * are one incident (union-find). The id comes from the incident's earliest root unit.
 */
export function groupIncidents(keys: readonly KeyCause[], outages: ReadonlySet<IsoDate>, gameDates: readonly IsoDate[]): IncidentDetail[] {
  const runs = outageRuns(outages, gameDates);
  const inScope = new Set(keys.map(incidentKeyString));
  const uf = new UnionFind();
  const unitsByKey = new Map<string, Unit[]>();
  for (const key of keys) {
    const id = incidentKeyString(key);
    const { units, links } = unitsOf(key, runs, inScope);
    unitsByKey.set(id, units);
    uf.find(`key|${id}`);
    for (const u of units) uf.union(`key|${id}`, `unit|${u.id}`);
    for (const l of links) uf.union(`key|${id}`, `key|${l}`);
  }
  const components = new Map<string, KeyCause[]>();
  for (const key of keys) {
    const root = uf.find(`key|${incidentKeyString(key)}`);
    const list = components.get(root);
    if (list) list.push(key);
    else components.set(root, [key]);
  }
  const incidents = [...components.values()].map((members) => buildIncident(members, unitsByKey));
  return incidents.sort(compareIncidents);
}

/** Open first, then the most open keys, the most keys, the earliest opened, the id. */
export function compareIncidents(a: Incident, b: Incident): number {
  if (a.status !== b.status) return a.status === "open" ? -1 : 1;
  return b.open_keys - a.open_keys || b.keys - a.keys || (a.opened_at < b.opened_at ? -1 : a.opened_at > b.opened_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function compareKeys(a: IncidentKeyRef, b: IncidentKeyRef): number {
  const pa = PROCESSOR_NAMES.indexOf(a.processor);
  const pb = PROCESSOR_NAMES.indexOf(b.processor);
  return pa - pb || (a.analysis_date < b.analysis_date ? -1 : a.analysis_date > b.analysis_date ? 1 : a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : 0);
}

function buildIncident(members: KeyCause[], unitsByKey: ReadonlyMap<string, Unit[]>): IncidentDetail {
  const units = new Map<string, Unit>();
  for (const k of members) for (const u of unitsByKey.get(incidentKeyString(k)) ?? []) units.set(u.id, u);
  const roots = [...units.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const has = (kind: Unit["kind"]) => roots.some((u) => u.kind === kind);
  const kind: IncidentKind = has("outage") || has("game") ? "upstream_gap" : has("row") ? "player_row" : has("waits") ? "upstream_processor" : "nothing_missing";
  // The rows that caused its keys' failures (a key's insufficient rows belong to other incidents).
  const causeIds = new Set(roots.map((u) => u.id));
  const runOf = (m: MissingRow) => roots.find((u) => u.kind === "outage" && m.player === null && m.game_date >= u.from && m.game_date <= u.to);
  const missing = members.flatMap((k) => k.missing).filter((m) => causeIds.has(m.player !== null ? `row|${m.game_id}|${m.player}` : `game|${m.game_id}`) || runOf(m) !== undefined);
  const gaps = missing.filter((m) => m.player === null);
  const rows = missing.filter((m) => m.player !== null);
  const waits = roots.flatMap((u) => (u.kind === "waits" ? [u.key] : []));

  const earliest = roots[0]!;
  const ownTables = (unit: Unit) =>
    tablesByWeight(missing.filter((m) => (unit.kind === "outage" ? m.player === null && m.game_date >= unit.from && m.game_date <= unit.to : unit.id === (m.player === null ? `game|${m.game_id}` : `row|${m.game_id}|${m.player}`))));
  let prefix: string;
  if (earliest.kind === "nothing") prefix = "nothing";
  else if (earliest.kind === "waits") prefix = getProcessor(earliest.key.processor).short.toLowerCase();
  else prefix = TABLE_SHORT[ownTables(earliest).sort()[0] ?? ""] ?? "upstream";
  const id = earliest.kind === "nothing" ? "nothing-missing" : `${prefix}-${earliest.date}-${hash6(earliest.id)}`;

  const upstreamTable =
    kind === "upstream_gap" ? tablesByWeight(gaps)[0]! : kind === "player_row" ? tablesByWeight(rows)[0]! : kind === "upstream_processor" ? getProcessor(waits[0]!.processor).table : null;
  const missingDates = [...new Set(missing.map((m) => m.game_date))].sort();
  const teams = [...new Set(missing.map((m) => m.team))].sort();

  let cause: string;
  if (kind === "upstream_gap") {
    const tables = tablesByWeight(gaps).map(tableName);
    const games = new Set(gaps.map((m) => m.game_id)).size;
    const gapDates = [...new Set(gaps.map((m) => m.game_date))].sort();
    const gapTeams = new Set(gaps.map((m) => m.team)).size;
    cause = `${tables.join(", ")} missing for ${plural(games, "game")}, ${dateSpan(gapDates)}, ${plural(gapTeams, "team")}`;
    const rowCount = new Set(rows.map((m) => `${m.game_id}|${m.player}`)).size;
    if (rowCount) cause += `; and ${plural(rowCount, "player row")}`;
  } else if (kind === "player_row") {
    const distinct = [...new Map(rows.map((m) => [`${m.game_id}|${m.player}`, m])).values()];
    const table = tableName(upstreamTable!);
    cause =
      distinct.length === 1
        ? `${table} missing ${distinct[0]!.player}'s row for ${distinct[0]!.team}'s game of ${shortDate(distinct[0]!.game_date)} (box score there)`
        : `${table} missing ${plural(distinct.length, "player row")}, ${dateSpan(missingDates)}, ${plural(teams.length, "team")}`;
  } else if (kind === "upstream_processor") {
    const byProcessor = [...new Set(waits.map((w) => w.processor))];
    cause =
      waits.length === 1
        ? `waiting for ${waits[0]!.processor} of ${waits[0]!.entity_id} for ${shortDate(waits[0]!.analysis_date)} (not ready, not failing)`
        : `waiting for ${plural(waits.length, "upstream key")} of ${byProcessor.join(", ")}, ${dateSpan([...new Set(waits.map((w) => w.analysis_date))].sort())} (not ready, not failing)`;
  } else {
    cause = "nothing was missing when these keys failed (windows that expected no game, or DNPs counted as missing)";
  }

  const keysList: IncidentKey[] = [...members].sort(compareKeys).map((k) => ({
    processor: k.processor,
    entity_id: k.entity_id,
    analysis_date: k.analysis_date,
    state: k.state,
    recovered: k.recovered,
    still_missing: k.still_missing,
    outcome: k.outcome,
    failed_at: k.failed_at,
    tripped_at: k.tripped_at,
  }));
  const tripsByDay = new Map<IsoDate, number>();
  for (const k of members) for (const t of k.trips) tripsByDay.set(t.slice(0, 10), (tripsByDay.get(t.slice(0, 10)) ?? 0) + 1);
  const openKeys = members.filter((k) => k.state !== "closed").length;
  return {
    id,
    kind,
    cause,
    upstream_table: upstreamTable,
    missing_dates: missingDates,
    teams,
    keys: members.length,
    processors: PROCESSOR_NAMES.filter((p) => members.some((k) => k.processor === p)),
    entities: new Set(members.map((k) => k.entity_id)).size,
    dates: [...new Set(members.map((k) => k.analysis_date))].sort(),
    recovered_keys: members.filter((k) => k.recovered === true).length,
    open_keys: openKeys,
    opened_at: earliestInstant(members.map((k) => k.failed_at)),
    status: openKeys > 0 ? "open" : "closed",
    trips_by_day: [...tripsByDay].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([day, trips]) => ({ day, trips })),
    keys_list: keysList,
  };
}

/** The earliest of some instants (each parsed once). */
function earliestInstant(instants: readonly string[]): string {
  let best = instants[0]!;
  let bestUs = instantMicros(best);
  for (const t of instants) {
    const us = instantMicros(t);
    if (us < bestUs) [best, bestUs] = [t, us];
  }
  return best;
}

/** The incident without its key list (what lists and the API's index carry). */
export function incidentSummary(detail: IncidentDetail): Incident {
  const { keys_list: _keys, ...incident } = detail;
  return incident;
}
