/**
 * The entity page's view model: what the entity read (lib/data/entity.ts) returns and
 * `GET /api/v1/entities/{entity_id}` sends. Plain data (dates as YYYY-MM-DD strings, instants as
 * ISO 8601 UTC strings), types only, client-safe: the page, its components and the CLI use it.
 */
import type { BreakerEventType, BreakerStatus, OverrideOutcome } from "@/lib/completeness/breaker";
import type { IsoDate } from "@/lib/completeness/dates";
import type { BreakerReader } from "@/lib/completeness/deployment";
import type { Verdict } from "@/lib/completeness/entity-verdict";
import type { EntityKind, ProcessorDef, ProcessorName } from "@/lib/completeness/processors";
import type { DecisionAction, ProcessingDecisionReason } from "@/lib/completeness/readiness";
import type { WindowResult } from "@/lib/completeness/windows";

/** A part of the page that may fail on its own. */
export type Part<T> = { ok: true; value: T } | { ok: false; message: string };

export interface GameView {
  gameId: string;
  /** The game's date, YYYY-MM-DD, exactly as stored: never shifted by a time zone. */
  date: IsoDate;
  opponent: string;
}

export interface DnpGameView extends GameView {
  /** `dnp`: on the team, no row, team box score present. `before_joining`: before his stint. */
  reason: "dnp" | "before_joining";
}

export interface StoredWindow {
  id: string;
  label: string;
  /** Stored, rounded; null when no games were expected. */
  completenessPct: number | null;
  isComplete: boolean | null;
}

/** The latest stored output row of a processor for the entity and date. */
export interface StoredRow {
  entityId: string;
  processedAt: string | null;
  expected: number | null;
  actual: number | null;
  completenessPct: number | null;
  missing: number | null;
  productionReady: boolean | null;
  dataQualityIssues: string[];
  lastReprocessAttemptAt: string | null;
  reprocessAttemptCount: number | null;
  breakerActive: boolean | null;
  breakerUntil: string | null;
  manualOverrideRequired: boolean | null;
  seasonBoundary: boolean | null;
  bootstrap: boolean | null;
  reason: string | null;
  /** Multi-window processors only (empty otherwise). */
  windows: StoredWindow[];
  allWindowsComplete: boolean | null;
}

/** One window of the live recheck: the engine's WindowResult, with its label and games for the page. */
export interface LiveWindow extends Pick<WindowResult, "id" | "kind" | "size" | "team" | "from" | "to" | "expected" | "actual" | "missing" | "noGamesExpected"> {
  label: string;
  /** Rounded to one decimal (as it would be stored); null when no games are expected. */
  completenessPct: number | null;
  /** At or above the threshold on the unrounded value, or nothing expected. */
  ready: boolean;
  missingGames: GameView[];
  dnpGames: DnpGameView[];
}

export interface LiveDecision {
  action: DecisionAction;
  reason: ProcessingDecisionReason;
  skipReason: string | null;
  productionReady: boolean;
  /** What the processor would do if it ran now, in words. */
  summary: string;
}

/** The engine's evaluation of the key at `readAt`, against the upstream tables as they are now. */
export interface LiveRecheck {
  readAt: string;
  team: string | null;
  threshold: number;
  primaryWindow: string;
  windows: LiveWindow[];
  ownReady: boolean;
  blockingWindows: string[];
  /** Cascade processors: the upstream processors' stored rows for the entity and date. */
  cascade: { applies: boolean; ready: boolean; notReady: ProcessorName[] };
  bootstrap: boolean;
  breakerStatus: BreakerStatus;
  decision: LiveDecision;
  /** Every missing game of any window, each once, by date. */
  missingGames: GameView[];
}

export interface TimelineEvent {
  attemptedAt: string;
  event: BreakerEventType;
  attemptNumber: number;
  completenessPct: number | null;
  skipReason: string | null;
  actor: string | null;
  actorRole: string | null;
  reasonCode: string | null;
  notes: string | null;
  /** Trips: the end of the cooldown. */
  until: string | null;
  /** Resets: how many rows went. */
  rowsRemoved: number | null;
  /** The processor name the row was written with (old rows may hold an alias). */
  processorName: string | null;
  /** Overrides: what the override led to at the read (null for other events, or when it could not be read). */
  outcome: OverrideOutcome | null;
  /** When the attempt or output that decided the outcome happened (null while pending). */
  outcomeDecidedAt: string | null;
}

export interface BreakerStateView {
  status: BreakerStatus;
  trippedAt: string | null;
  until: string | null;
  consecutiveFailures: number;
  attemptCount: number;
  tripCount: number;
  msUntilRetry: number;
  lastOverride: { actor: string | null; at: string; reasonCode: string | null } | null;
  lastReset: { actor: string | null; at: string; rowsRemoved: number | null } | null;
  legacyOverrideOnTrip: boolean;
}

export interface BreakerTimeline {
  /** The breaker key: (processor, entityId, date). */
  entityId: string;
  date: IsoDate;
  /** In attempt order (attempt_number, then attempted_at). */
  events: TimelineEvent[];
  state: BreakerStateView;
  readAt: string;
}

export interface ProcessorSection {
  processor: ProcessorName;
  short: string;
  table: string;
  dateColumn: ProcessorDef["dateColumn"];
  /** The breaker key's entity: the tricode, the player_lookup, or LAL_<date>. */
  entityId: string;
  threshold: number;
  primaryWindow: string;
  multiWindow: boolean;
  dependsOn: ProcessorName[];
  /** `value: null`: the processor wrote no row for the entity on the date. */
  stored: Part<StoredRow | null>;
  /** Why a missing row may be expected (game-day processors), shown with "no row". */
  noRowHint: string | null;
  live: Part<LiveRecheck>;
  /** Null when the live recheck failed. */
  verdict: Verdict | null;
  breaker: Part<BreakerTimeline>;
  /** The breaker reader the processor runs: whose read of reprocess_attempts decides whether it skips the key. */
  reader: BreakerReader;
  /** The `processor_name` the processor writes and reads in reprocess_attempts. */
  pipelineName: string;
  /** What an override of this key really does, for the breaker reader the processor runs. */
  overrideConsequence: string;
}

export interface EntityDates {
  /** Dates with output for the entity in the searched range, most recent first (at most 60). */
  recent: IsoDate[];
  latest: IsoDate | null;
  previous: IsoDate | null;
  next: IsoDate | null;
  /** The shown date has at least one stored row. */
  hasData: boolean;
  searched: { from: IsoDate; to: IsoDate };
}

export interface RelatedEntity {
  entity: string;
  date: IsoDate | null;
  label: string;
}

export interface EntityFound {
  status: "found";
  entity: string;
  kind: EntityKind;
  kindLabel: string;
  date: IsoDate;
  /** Where the date came from: the URL, the latest date with output, or the team-game key. */
  dateSource: "requested" | "latest" | "key";
  readAt: string;
  /** Player: the team of their latest game before the date (from the live recheck). */
  team: string | null;
  dates: EntityDates;
  related: RelatedEntity[];
  processors: ProcessorSection[];
}

export interface EntityInvalid {
  status: "invalid";
  input: string;
  message: string;
  /** A well-formed id the input probably meant (e.g. lebronjames for lebron_james). */
  suggestion: string | null;
}

export interface EntityNotFound {
  status: "not_found";
  entity: string;
  kind: EntityKind;
  kindLabel: string;
  message: string;
  hint: string;
  suggestion: string | null;
  searched: { from: IsoDate; to: IsoDate };
}

export type EntityDetail = EntityFound | EntityInvalid | EntityNotFound;
