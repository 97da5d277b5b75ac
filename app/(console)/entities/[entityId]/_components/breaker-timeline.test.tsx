import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import type { TimelineEvent } from "@/lib/entities/view";

import { attemptLabel } from "@/components/ui/status";

import { BreakerTimeline, humanNotes } from "./breaker-timeline";

const READ_AT = "2026-12-07T09:00:00.000Z";

function event(over: Partial<TimelineEvent> & Pick<TimelineEvent, "event" | "attemptNumber" | "attemptedAt">): TimelineEvent {
  return {
    completenessPct: null,
    skipReason: null,
    actor: null,
    actorRole: null,
    reasonCode: null,
    notes: null,
    until: null,
    rowsRemoved: null,
    processorName: "player_daily_cache",
    outcome: null,
    outcomeDecidedAt: null,
    ...over,
  };
}

/** A key that failed three times (the third tripped it), was overridden, then reset: the rows as the engine stores them. */
const EVENTS: TimelineEvent[] = [
  event({ event: "failure", attemptNumber: 1, attemptedAt: "2026-12-01T04:10:00.000Z", completenessPct: 60, notes: "Attempt 1: 60.0%" }),
  event({ event: "failure", attemptNumber: 2, attemptedAt: "2026-12-02T04:10:00.000Z", completenessPct: 60, notes: "Attempt 2: 60.0%" }),
  event({
    event: "trip",
    attemptNumber: 3,
    attemptedAt: "2026-12-03T04:10:00.000Z",
    completenessPct: 60,
    until: "2026-12-10T04:10:00.000Z",
    notes: "Attempt 3: 60.0%; circuit breaker tripped until 2026-12-10T04:10:00.000Z",
  }),
  // An override takes the highest attempt number, a reset 0: bookkeeping, not runs.
  event({ event: "override", attemptNumber: 4, attemptedAt: "2026-12-04T15:30:00.000Z", actor: "jordan.oncall", actorRole: "operator", outcome: "pending" }),
  event({ event: "reset", attemptNumber: 0, attemptedAt: "2026-12-05T15:30:00.000Z", actor: "dana.admin", rowsRemoved: 4 }),
];

function render(): string {
  const html = renderToStaticMarkup(
    <BreakerTimeline
      timeline={{
        entityId: "lebronjames",
        date: "2026-12-01",
        events: EVENTS,
        readAt: READ_AT,
        state: {
          status: "closed",
          trippedAt: null,
          until: null,
          consecutiveFailures: 0,
          attemptCount: 0,
          tripCount: 0,
          msUntilRetry: 0,
          lastOverride: null,
          lastReset: { actor: "dana.admin", at: "2026-12-05T15:30:00.000Z", rowsRemoved: 4 },
          legacyOverrideOnTrip: false,
        },
      }}
      processor="player_daily_cache"
      pipelineName="player_daily_cache"
    />,
  );
  return html.replaceAll("<!-- -->", "");
}

/** The text of each timeline entry, in order. */
function entries(html: string): string[] {
  return [...html.matchAll(/<li>(.*?)<\/li>/gs)].map((m) => m[1]!.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim());
}

describe("the entity page's breaker timeline", () => {
  it("numbers only the processor's attempts; an override and a reset are named, not numbered", () => {
    const [f1, f2, trip, override, reset] = entries(render());
    expect(f1).toContain("attempt #1");
    expect(f2).toContain("attempt #2");
    expect(trip).toContain("attempt #3");
    expect(override).toMatch(/^• Override 2026-12-04 15:30 UTC/);
    expect(override).not.toContain("attempt #");
    expect(reset).toMatch(/^• Reset 2026-12-05 15:30 UTC/);
    expect(reset).not.toContain("attempt #");
    expect(reset).toContain("4 earlier rows deleted");
  });

  it("prints no raw ISO instant: notes' instants are written as the page writes times", () => {
    const html = render();
    const text = html.replace(/<[^>]+>/g, " ");
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(text).toContain("circuit breaker tripped until 2026-12-10 04:10 UTC");
    // The machine-readable instants stay in <time dateTime>.
    expect(html).toContain('dateTime="2026-12-10T04:10:00.000Z"');
  });

  it("attemptLabel and humanNotes, case by case", () => {
    expect(["failure", "trip", "success", "recovery", "override", "reset"].map((e) => attemptLabel(e as TimelineEvent["event"], 5))).toEqual([
      "attempt #5",
      "attempt #5",
      "attempt #5",
      "attempt #5",
      null,
      null,
    ]);
    expect(humanNotes("tripped until 2026-12-10T04:10:30.123456Z; then 2026-12-11T00:00:00+00:00.")).toBe(
      "tripped until 2026-12-10 04:10:30 UTC; then 2026-12-11 00:00 UTC.",
    );
    // Already human (the override and reset notes), and game dates: untouched.
    expect(humanNotes("Override applied by a on 2026-12-04 15:30:00 UTC. Dates 2026-12-03")).toBe("Override applied by a on 2026-12-04 15:30:00 UTC. Dates 2026-12-03");
  });
});
