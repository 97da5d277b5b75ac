/**
 * Which breaker reader each processor runs, as an operator sees it: the built console started with
 * a mixed deployment (the feature store switched to the console's reader, every other processor
 * on the original one, and the upcoming player context writing its bare name), the overview's and
 * the entity page's HTML read over HTTP with a viewer's session. The configuration travels the
 * production path: environment → lib/env.ts → getDeployment → the pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEFAULT_SEASON_CALENDAR } from "@/lib/completeness/calendar";
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import { PROCESSOR_NAMES } from "@/lib/completeness/processors";
import { runProcessor } from "@/lib/engine/run-processor";
import { type RunningConsole, type TempDatabase, TEST_AUTH_SECRET, prepareDatabase, startConsole } from "@/test/support/console-server";
import { boxScores, everyNDays, insertUpstream, roundRobin } from "@/test/support/fixtures";
import { sessionCookie } from "@/test/support/session";

const D = "2024-12-11";
const SCHEDULE = roundRobin(["LAL", "BOS", "GSW", "MIA"], everyNDays("2024-10-22", 30)).map((g) => (g.game_date < D ? g : { ...g, game_status: 1 as const }));

/** What the configuration below says, written out by hand. */
const EXPECTED: Record<string, { reader: string; name: string }> = {
  team_defense_zone_analysis: { reader: "original", name: "team_defense_zone_analysis" },
  player_shot_zone_analysis: { reader: "original", name: "player_shot_zone_analysis" },
  player_daily_cache: { reader: "original", name: "player_daily_cache" },
  player_composite_factors: { reader: "original", name: "player_composite_factors" },
  ml_feature_store: { reader: "console", name: "ml_feature_store_v2" },
  upcoming_player_game_context: { reader: "original", name: "upcoming_player_game_context" },
  upcoming_team_game_context: { reader: "original", name: "nba_analytics.upcoming_team_game_context" },
};

let db: TempDatabase;
let server: RunningConsole;
let cookie: string;

beforeAll(async () => {
  db = await prepareDatabase(async (wh) => {
    await insertUpstream(wh, { schedule: SCHEDULE, ...boxScores(SCHEDULE, [{ player: "pfull", stints: [{ team: "LAL" }] }]) });
    // One stored row makes the player an entity the page finds.
    await runProcessor(wh, {
      deployment: CONSOLE_DEPLOYMENT,
      processor: "player_shot_zone_analysis",
      date: D,
      entities: ["pfull"],
      now: "2024-12-12T04:00:00.000Z",
      calendar: DEFAULT_SEASON_CALENDAR,
      runId: "readers-test",
    });
  });
  server = await startConsole({
    dbPath: db.path,
    env: {
      BREAKER_READERS: "ml_feature_store=console,*=original",
      PIPELINE_PROCESSOR_NAMES: "upcoming_player_game_context=upcoming_player_game_context",
      CACHE_TTL_SECONDS: "0",
    },
  });
  cookie = await sessionCookie("viewer", "viewer", Date.now(), TEST_AUTH_SECRET);
});

afterAll(async () => {
  await server?.stop();
  db?.remove();
});

/**
 * React streams a long page in segments: a `<template id="P:n">` stands where segment n goes,
 * and the segment follows later as `<div hidden id="S:n">…</div><script>$RS("S:n","P:n")</script>`,
 * which the browser moves into place. Done here, so a line reads as the browser shows it.
 */
function inlineSegments(html: string): string {
  // The first segment's script also defines $RS; segment ids are hexadecimal.
  const segment = /<div hidden id="S:([0-9a-f]+)">(.*?)<\/div><script[^>]*>(?:\$RS=function[^<]*?;)?\$RS\("S:\1","P:\1"\)<\/script>/s;
  let out = html;
  for (let m = segment.exec(out); m; m = segment.exec(out)) {
    const [whole, id, content] = m;
    // Functions as replacements: a `$` in the page must not be read as a replacement pattern.
    out = out.replace(whole, () => "").replace(`<template id="P:${id}"></template>`, () => content!);
  }
  return out;
}

/** A page's HTML as the browser shows it (every Suspense part resolved and placed), text-node separators removed. */
async function page(path: string): Promise<string> {
  const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
  const html = await response.text();
  expect(response.status, server.output()).toBe(200);
  // React separates adjacent text nodes with empty comments; the tests read the text.
  return inlineSegments(html).replaceAll("<!-- -->", "");
}

describe("a mixed deployment", () => {
  it("the overview lists every processor under the reader configured for it, with the name it writes", async () => {
    const html = await page("/");
    const shown: Record<string, { reader: string; name: string }> = {};
    for (const [, reader, body] of html.matchAll(/<li data-testid="reader-group-(\w+)">(.*?)<\/li>/gs)) {
      // The group's visible reader name, with what an override does under it.
      expect(body).toContain(`>${reader}</strong>`);
      expect(body).toMatch(reader === "console" ? /an override is a fresh start/ : /an override is one retry/);
      for (const [, processor, name] of body!.matchAll(/data-testid="reader-(\w+)"[^>]*>.*?<code[^>]*>([^<]+)<\/code>/g)) {
        expect(shown[processor!], `${processor} is listed once`).toBeUndefined();
        shown[processor!] = { reader: reader!, name: name! };
      }
    }
    expect(Object.keys(shown).sort()).toEqual([...PROCESSOR_NAMES].sort());
    expect(shown).toEqual(EXPECTED);
  });

  it("the entity page shows each processor's configured reader and name beside its breaker state", async () => {
    const html = await page(`/entities/pfull?date=${D}`);
    // Sections stream in as each is read (Suspense), so the page's order is not the HTML's.
    const sections = new Set([...html.matchAll(/data-testid="section-(\w+)"/g)].map((m) => m[1]!));
    expect([...sections].sort()).toEqual(["ml_feature_store", "player_composite_factors", "player_daily_cache", "player_shot_zone_analysis", "upcoming_player_game_context"]);
    const lines = [...html.matchAll(/<p[^>]*data-testid="reader-(\w+)"[^>]*>(.*?)<\/p>/gs)].map((m) => ({ processor: m[1]!, body: m[2]! }));
    expect(lines.map((l) => l.processor).sort()).toEqual([...sections].sort());
    for (const { processor, body } of lines) {
      const { reader, name } = EXPECTED[processor]!;
      expect(body, processor).toContain(`>${reader}</strong>`);
      expect(body, processor).toContain(`>${name}</span>`);
    }
  });
});
