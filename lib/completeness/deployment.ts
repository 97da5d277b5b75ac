/**
 * What a deployment's pipeline does, per processor: the name it writes and reads in
 * `reprocess_attempts`, which breaker reader decides whether it skips a key, and the
 * completeness threshold it applies. Client-safe, pure: `lib/deployment.ts` builds the
 * deployment in force from configuration; tests and the demo builder build their own.
 *
 * Breaker readers:
 * - `original`: the Python processors' read. The latest row of the key by attempt_number
 *   decides: tripped and `now < circuit_breaker_until` → skip. The next attempt is numbered
 *   latest + 1 and trips at attempt_number ≥ 3. An appended override row (not tripped, the
 *   highest attempt number) un-trips the key, but the count does NOT restart: the very next
 *   failure is attempt ≥ 3 and trips again for 7 days. Only a reset (the key's rows deleted,
 *   one attempt-0 RESET row left) gives the processor a fresh count of three.
 * - `console`: this console's engine (lib/completeness/breaker.ts): an override restarts the
 *   failure count; after a cooldown one attempt is allowed (half-open); successes and
 *   recoveries are recorded.
 * What the console promises an operator follows the reader in use (`overrideConsequence`).
 */
import { type ProcessorName, PROCESSOR_NAMES, PROCESSORS, getProcessor, resolveProcessorName } from "./processors";

export const BREAKER_READERS = ["original", "console"] as const;
export type BreakerReader = (typeof BREAKER_READERS)[number];

/** The threshold the original code applies at the seed's commit (later versions used 70). */
export const DEFAULT_PIPELINE_THRESHOLD = 90;

export interface ProcessorDeployment {
  /** The `processor_name` the pipeline writes and reads for this processor. */
  pipelineName: string;
  reader: BreakerReader;
  /** Production-ready threshold in percent the pipeline applies. */
  threshold: number;
}

export type Deployment = Readonly<Record<ProcessorName, ProcessorDeployment>>;

export interface DeploymentOptions {
  /** One reader for every processor, or per processor (unlisted ones: `original`). */
  readers?: BreakerReader | Partial<Record<ProcessorName, BreakerReader>>;
  /** Per processor; unlisted ones write the registry's `pipelineName`. */
  pipelineNames?: Partial<Record<ProcessorName, string>>;
  /** One threshold for every processor, or per processor (unlisted ones: 90). */
  thresholds?: number | Partial<Record<ProcessorName, number>>;
}

/** Every name the console knows for a processor: the canonical one and its aliases. */
export function knownNames(processor: ProcessorName): string[] {
  const def = getProcessor(processor);
  return [def.name, ...def.aliases];
}

export function buildDeployment(options: DeploymentOptions = {}): Deployment {
  const pick = <T>(value: T | Partial<Record<ProcessorName, T>> | undefined, name: ProcessorName, fallback: T): T =>
    value === undefined ? fallback : typeof value === "object" ? ((value as Partial<Record<ProcessorName, T>>)[name] ?? fallback) : value;
  const entries = PROCESSORS.map((def) => {
    const pipelineName = options.pipelineNames?.[def.name] ?? def.pipelineName;
    if (!knownNames(def.name).includes(pipelineName)) {
      throw new RangeError(`${pipelineName} is not a name of ${def.name} (known: ${knownNames(def.name).join(", ")})`);
    }
    const threshold = pick(options.thresholds, def.name, DEFAULT_PIPELINE_THRESHOLD);
    if (!(threshold >= 0 && threshold <= 100)) throw new RangeError(`threshold of ${def.name} must be within 0..100 (got ${threshold})`);
    return [def.name, { pipelineName, reader: pick(options.readers, def.name, "original"), threshold }] as const;
  });
  return Object.fromEntries(entries) as Deployment;
}

/** One processor's breaker reader and the name it writes under, as pages show them. */
export interface ProcessorReader {
  processor: ProcessorName;
  short: string;
  reader: BreakerReader;
  pipelineName: string;
}

/** Every processor's reader and pipeline name, in registry order. */
export function processorReaders(deployment: Deployment): ProcessorReader[] {
  return PROCESSORS.map((def) => {
    const { reader, pipelineName } = deployment[def.name];
    return { processor: def.name, short: def.short, reader, pipelineName };
  });
}

/** The console's own world: its engine is the pipeline (the default demo profile). */
export const CONSOLE_DEPLOYMENT: Deployment = buildDeployment({ readers: "console" });
/** Beside the unchanged original pipeline (the `original` demo profile, and production). */
export const ORIGINAL_DEPLOYMENT: Deployment = buildDeployment({ readers: "original" });

/**
 * Parse a per-processor setting: `VALUE` for every processor, or `name=VALUE,…` (processor
 * names or any known alias; `*=VALUE` for the others). Throws a RangeError naming the bad part.
 */
export function parseProcessorSetting<T>(spec: string, parseValue: (raw: string) => T): { all?: T; each: Partial<Record<ProcessorName, T>> } {
  const text = spec.trim();
  if (text === "") return { each: {} };
  if (!text.includes("=")) return { all: parseValue(text), each: {} };
  let all: T | undefined;
  const each: Partial<Record<ProcessorName, T>> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq < 1) throw new RangeError(`"${part}" is not name=value`);
    const name = part.slice(0, eq).trim();
    const value = parseValue(part.slice(eq + 1).trim());
    if (name === "*") {
      all = value;
      continue;
    }
    const processor = resolveProcessorName(name);
    if (!processor) throw new RangeError(`"${name}" is not a processor (known: ${PROCESSOR_NAMES.join(", ")})`);
    each[processor] = value;
  }
  return { all, each };
}

/** Expand a parsed setting into one value per processor. */
export function perProcessor<T>(setting: { all?: T; each: Partial<Record<ProcessorName, T>> }, fallback: T): Record<ProcessorName, T> {
  return Object.fromEntries(PROCESSOR_NAMES.map((n) => [n, setting.each[n] ?? setting.all ?? fallback])) as Record<ProcessorName, T>;
}

export function parseReader(raw: string): BreakerReader {
  if ((BREAKER_READERS as readonly string[]).includes(raw)) return raw as BreakerReader;
  throw new RangeError(`"${raw}" is not a breaker reader (original or console)`);
}

export function parseThreshold(raw: string): number {
  const value = Number(raw);
  if (raw === "" || !Number.isFinite(value) || value < 0 || value > 100) throw new RangeError(`"${raw}" is not a threshold in 0..100`);
  return value;
}

/**
 * Each reader in the console's words, owned here so the overview, the entity page, the override
 * form, the CLI and the API say the same: what the reader is, what an override is under it in
 * two words, and in full.
 */
const READER_WORDS: Record<BreakerReader, { is: string; overrideIs: string; override: string; overrideInFull: string }> = {
  original: {
    is: "the Python processor reads reprocess_attempts itself",
    overrideIs: "one retry",
    override: "One retry",
    overrideInFull:
      "the processor runs the key on its next run; if that run still fails, the breaker trips again for 7 days (the original processors do not restart their count after an override; only a reset does).",
  },
  console: {
    is: "the processor calls this console's check service, whose rules decide",
    overrideIs: "a fresh start",
    override: "Fresh start",
    overrideInFull: "the processor retries the key on its next run, and three more consecutive failures are needed to trip the breaker again.",
  },
};

/** What a breaker reader is, with what an override means under it, in one short phrase. */
export function readerMeaning(reader: BreakerReader): string {
  const words = READER_WORDS[reader];
  return `${words.is}; an override is ${words.overrideIs}`;
}

/**
 * What an override really does for a processor, in the words the console, the CLI and the
 * API show before and after it is applied.
 */
export function overrideConsequence(reader: BreakerReader): string {
  const words = READER_WORDS[reader];
  return `${words.override}: ${words.overrideInFull}`;
}
