import { describe, expect, it } from "vitest";

import {
  CONSOLE_DEPLOYMENT,
  ORIGINAL_DEPLOYMENT,
  buildDeployment,
  overrideConsequence,
  parseProcessorSetting,
  parseReader,
  parseThreshold,
  perProcessor,
  readerMeaning,
} from "./deployment";

describe("deployment", () => {
  it("writes under the names the original pipeline reads by default", () => {
    expect(ORIGINAL_DEPLOYMENT.ml_feature_store.pipelineName).toBe("ml_feature_store_v2");
    expect(ORIGINAL_DEPLOYMENT.upcoming_player_game_context.pipelineName).toBe("nba_analytics.upcoming_player_game_context");
    expect(ORIGINAL_DEPLOYMENT.player_daily_cache.pipelineName).toBe("player_daily_cache");
    expect(CONSOLE_DEPLOYMENT.ml_feature_store.pipelineName).toBe("ml_feature_store_v2");
  });

  it("has one reader and threshold per processor", () => {
    expect(Object.values(ORIGINAL_DEPLOYMENT).every((d) => d.reader === "original" && d.threshold === 90)).toBe(true);
    expect(Object.values(CONSOLE_DEPLOYMENT).every((d) => d.reader === "console")).toBe(true);
    const mixed = buildDeployment({ readers: { ml_feature_store: "console" }, thresholds: { ml_feature_store: 70 } });
    expect(mixed.ml_feature_store).toMatchObject({ reader: "console", threshold: 70 });
    expect(mixed.player_daily_cache).toMatchObject({ reader: "original", threshold: 90 });
  });

  it("refuses a pipeline name that is not one of the processor's names", () => {
    expect(() => buildDeployment({ pipelineNames: { ml_feature_store: "player_daily_cache" } })).toThrow(/not a name of ml_feature_store/);
    expect(buildDeployment({ pipelineNames: { ml_feature_store: "ml_feature_store" } }).ml_feature_store.pipelineName).toBe("ml_feature_store");
  });

  it("parses per-processor settings, accepting aliases and a default", () => {
    const readers = parseProcessorSetting("*=original,ml_feature_store_v2=console", parseReader);
    expect(perProcessor(readers, "original")).toMatchObject({ ml_feature_store: "console", player_daily_cache: "original" });
    expect(perProcessor(parseProcessorSetting("70", parseThreshold), 90).player_shot_zone_analysis).toBe(70);
    expect(() => parseProcessorSetting("nope=console", parseReader)).toThrow(/not a processor/);
    expect(() => parseProcessorSetting("console2", parseReader)).toThrow(/not a breaker reader/);
    expect(() => parseProcessorSetting("101", parseThreshold)).toThrow(/0..100/);
  });

  it("says what an override really does for each reader", () => {
    expect(overrideConsequence("original")).toMatch(/^One retry: .*trips again for 7 days/);
    expect(overrideConsequence("console")).toMatch(/three more consecutive failures/);
  });

  it("says what each reader is in a short phrase that agrees with the override's consequence", () => {
    expect(readerMeaning("original")).toBe("the Python processor reads reprocess_attempts itself; an override is one retry");
    expect(readerMeaning("console")).toMatch(/^the processor calls this console's check service.*; an override is a fresh start$/);
    expect(overrideConsequence("console")).toMatch(/^Fresh start: /);
  });
});
