import "server-only";

import { cache } from "react";

import { type Actor, requireRole } from "@/lib/auth/session";
import {
  type BreakerReader,
  type Deployment,
  DEFAULT_PIPELINE_THRESHOLD,
  buildDeployment,
  parseProcessorSetting,
  parseReader,
  parseThreshold,
  perProcessor,
  type ProcessorReader,
  processorReaders,
} from "@/lib/completeness/deployment";
import type { ProcessorName } from "@/lib/completeness/processors";
import { type AppEnv, getEnv } from "@/lib/env";
import { readDemoMark } from "@/lib/warehouse/demo-mark";

/**
 * The deployment in force: per processor, the name its pipeline writes in reprocess_attempts,
 * its breaker reader and its threshold, from configuration (validated at start-up in
 * lib/env.ts).
 *
 * `BREAKER_READERS=auto` (the default) picks `console` only for the embedded demo built with
 * the console profile (its processors ARE this console's engine) and `original` everywhere else:
 * BigQuery beside the Python pipeline, an `original`-profile demo, or an embedded file built
 * from real tables (no `.demo.json`). Read on every call like the season calendar: a demo
 * rebuild may change the profile while the server runs, and the metadata file is small.
 */
export function getDeployment(env: AppEnv = getEnv()): Deployment {
  return deploymentFromEnv(env, embeddedProfile(env));
}

/**
 * Per processor, the breaker reader in force and the name it writes under: what the overview
 * shows so an operator knows which processors a console override gives one retry and which a
 * fresh start. Configuration, not warehouse data: it renders even while the warehouse fails.
 */
export const getBreakerReaders = cache(async (actor?: Actor | null): Promise<ProcessorReader[]> => {
  await requireRole("viewer", actor);
  return processorReaders(getDeployment());
});

function embeddedProfile(env: AppEnv): "console" | "original" | null {
  if (env.WAREHOUSE !== "embedded") return null;
  try {
    const meta = readDemoMark(env.EMBEDDED_DB_PATH);
    return meta ? (meta.plan.profile ?? "console") : null;
  } catch (error) {
    console.error("[deployment] could not read the demo metadata; assuming the original pipeline's readers", error);
    return null;
  }
}

/** Pure: the deployment for a configuration and the embedded demo's profile (null: not a demo). */
export function deploymentFromEnv(env: AppEnv, demoProfile: "console" | "original" | null): Deployment {
  const autoReader: BreakerReader = demoProfile === "console" ? "console" : "original";
  const readers: Record<ProcessorName, BreakerReader> =
    env.BREAKER_READERS.trim() === "auto"
      ? perProcessor({ each: {} }, autoReader)
      : perProcessor(parseProcessorSetting(env.BREAKER_READERS, parseReader), "original");
  return buildDeployment({
    readers,
    pipelineNames: parseProcessorSetting(env.PIPELINE_PROCESSOR_NAMES, (raw) => raw).each,
    thresholds: perProcessor(parseProcessorSetting(env.PIPELINE_THRESHOLDS, parseThreshold), DEFAULT_PIPELINE_THRESHOLD),
  });
}
