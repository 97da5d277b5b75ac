import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { overrideConsequence, processorReaders } from "@/lib/completeness/deployment";
import { PROCESSOR_NAMES } from "@/lib/completeness/processors";
import { deploymentFromEnv } from "@/lib/data/deployment";
import { parseEnv } from "@/lib/env";

import { BreakerReaders } from "./breaker-readers";

/** The overview's line for a configuration, as the page builds it (not a demo: `auto` would mean original). */
function render(variables: Record<string, string>): string {
  const readers = processorReaders(deploymentFromEnv(parseEnv(variables), null));
  // React separates adjacent text nodes with empty comments; the tests read the text.
  return renderToStaticMarkup(<BreakerReaders readers={readers} />).replaceAll("<!-- -->", "");
}

/** Per reader group shown (its element, its reader's visible name), the processors listed in it. */
function shownGroups(html: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [, reader, body] of html.matchAll(/<(?:li|p) data-testid="reader-group-(\w+)">(.*?)<\/(?:li|p)>/gs)) {
    expect(body, `the ${reader} group names its reader`).toContain(`>${reader}</strong>`);
    groups.set(reader!, [...body!.matchAll(/data-testid="reader-(\w+)"/g)].map((m) => m[1]!));
  }
  return groups;
}

const text = (html: string) => html.replace(/<[^>]+>/g, "").replaceAll("&#x27;", "'").replaceAll("&amp;", "&");

describe("the overview's breaker readers", () => {
  it("lists a mixed deployment per reader: each processor under the reader configured for it", () => {
    const html = render({ BREAKER_READERS: "ml_feature_store=console,*=original" });
    const groups = shownGroups(html);
    expect(groups.get("console")).toEqual(["ml_feature_store"]);
    expect(groups.get("original")).toEqual(PROCESSOR_NAMES.filter((p) => p !== "ml_feature_store"));
    expect(text(html)).toContain("Breaker readers differ by processor");
    // What each reader means, in words beside it and in full in its title.
    expect(text(html)).toContain("original — the Python processor reads reprocess_attempts itself; an override is one retry:");
    expect(text(html)).toContain("console — the processor calls this console's check service, whose rules decide; an override is a fresh start:");
    for (const reader of ["original", "console"] as const) {
      expect(html).toContain(`title="${reader}: ${overrideConsequence(reader).replaceAll("'", "&#x27;")}"`);
    }
  });

  it("shows the name each processor writes under, as configured", () => {
    const html = render({ BREAKER_READERS: "console", PIPELINE_PROCESSOR_NAMES: "ml_feature_store=ml_feature_store" });
    const shown = Object.fromEntries([...html.matchAll(/data-testid="reader-(\w+)"[^>]*>.*?<code[^>]*>([^<]+)<\/code>/g)].map((m) => [m[1], m[2]]));
    expect(shown).toEqual({
      team_defense_zone_analysis: "team_defense_zone_analysis",
      player_shot_zone_analysis: "player_shot_zone_analysis",
      player_daily_cache: "player_daily_cache",
      player_composite_factors: "player_composite_factors",
      ml_feature_store: "ml_feature_store",
      upcoming_player_game_context: "nba_analytics.upcoming_player_game_context",
      upcoming_team_game_context: "nba_analytics.upcoming_team_game_context",
    });
  });

  it("says it in one sentence when every processor runs the same reader", () => {
    const html = render({ BREAKER_READERS: "original" });
    expect([...shownGroups(html).keys()]).toEqual(["original"]);
    expect(html).not.toContain("<li");
    expect(text(html)).toMatch(/^Breaker reader: original for every processor — the Python processor reads reprocess_attempts itself; an override is one retry\. /);
  });
});
