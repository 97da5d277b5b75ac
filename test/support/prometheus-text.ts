/**
 * A small, strict parser of the Prometheus text exposition format 0.0.4, for tests of
 * GET /metrics. (The npm package `parse-prometheus-text-format` was tried and dropped: it merges
 * the buckets of differently labelled histogram series into one object and loses their `_sum`
 * and `_count`.) It throws, naming the line, on anything Prometheus would reject or that the
 * format forbids:
 *
 * - metric and label names outside the grammar, label values with an escape other than
 *   `\\`, `\"`, `\n`, a duplicate label name, a value that is not a float (`NaN`, `+Inf`, `-Inf`
 *   allowed), an optional integer timestamp;
 * - `# TYPE` after the family's first sample, twice, or with an unknown type; a second `# HELP`;
 * - a family's samples not contiguous, the same series twice;
 * - histograms: per label set, `le` bounds increasing and ending with `+Inf`, cumulative
 *   (non-decreasing) bucket counts, `_count` equal to the `+Inf` bucket, and a `_sum`.
 */

export type PromType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface PromSample {
  /** The sample's own name (`x_bucket`, `x_sum`… for histograms). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: PromType;
  help?: string;
  samples: PromSample[];
}

export interface PromHistogram {
  labels: Record<string, string>;
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TYPES: readonly PromType[] = ["counter", "gauge", "histogram", "summary", "untyped"];

export class PromParseError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "PromParseError";
  }
}

function parseFloatStrict(raw: string, line: number): number {
  if (raw === "NaN") return NaN;
  if (raw === "+Inf" || raw === "Inf") return Infinity;
  if (raw === "-Inf") return -Infinity;
  if (!FLOAT.test(raw)) throw new PromParseError(line, `not a number: ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** `{a="x",b="y"}` starting at `text[0] === "{"`: the labels and the rest of the line. */
function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  const skipSpaces = () => {
    while (text[i] === " " || text[i] === "\t") i++;
  };
  for (;;) {
    skipSpaces();
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    const nameStart = i;
    while (i < text.length && /[a-zA-Z0-9_]/.test(text[i]!)) i++;
    const name = text.slice(nameStart, i);
    if (!LABEL_NAME.test(name)) throw new PromParseError(line, `bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new PromParseError(line, `duplicate label ${name}`);
    skipSpaces();
    if (text[i] !== "=") throw new PromParseError(line, `expected = after label ${name}`);
    i++;
    skipSpaces();
    if (text[i] !== '"') throw new PromParseError(line, `expected " to open the value of ${name}`);
    i++;
    let value = "";
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new PromParseError(line, `unterminated value of ${name}`);
      if (c === '"') break;
      if (c === "\\") {
        const next = text[i + 1];
        if (next === "\\") value += "\\";
        else if (next === '"') value += '"';
        else if (next === "n") value += "\n";
        else throw new PromParseError(line, `bad escape \\${next ?? ""} in the value of ${name}`);
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    labels[name] = value;
    skipSpaces();
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    throw new PromParseError(line, `expected , or } after the value of ${name}`);
  }
}

const seriesKey = (name: string, labels: Record<string, string>) =>
  `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;

function familyOf(sample: string, families: Map<string, PromFamily>): PromFamily | undefined {
  const exact = families.get(sample);
  if (exact) return exact;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sample.endsWith(suffix)) continue;
    const base = families.get(sample.slice(0, -suffix.length));
    if (base && (base.type === "histogram" || (base.type === "summary" && suffix !== "_bucket"))) return base;
  }
  return undefined;
}

/** Every family by name, in order of appearance. Throws PromParseError on the first violation. */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  if (text !== "" && !text.endsWith("\n")) throw new PromParseError(text.split("\n").length, "the exposition must end with a line feed");
  const seen = new Set<string>();
  const finished = new Set<string>();
  let current: PromFamily | undefined;
  const declare = (name: string, line: number): PromFamily => {
    if (!NAME.test(name)) throw new PromParseError(line, `bad metric name ${JSON.stringify(name)}`);
    let family = families.get(name);
    if (!family) families.set(name, (family = { name, type: "untyped", samples: [] }));
    if (current && current !== family) finished.add(current.name);
    if (finished.has(name)) throw new PromParseError(line, `family ${name} is not contiguous`);
    current = family;
    return family;
  };

  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(raw);
      if (!m) return; // any other comment
      const [, keyword, name, rest = ""] = m;
      const family = declare(name!, line);
      if (keyword === "HELP") {
        if (family.help !== undefined) throw new PromParseError(line, `second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ""))) throw new PromParseError(line, `bad escape in the HELP of ${name}`);
        family.help = rest.replace(/\\(\\|n)/g, (_, c: string) => (c === "n" ? "\n" : "\\"));
      } else {
        if (!TYPES.includes(rest.trim() as PromType)) throw new PromParseError(line, `unknown type ${JSON.stringify(rest)} for ${name}`);
        if (family.samples.length > 0) throw new PromParseError(line, `TYPE of ${name} after its samples`);
        if ((family as PromFamily & { typed?: true }).typed) throw new PromParseError(line, `second TYPE for ${name}`);
        family.type = rest.trim() as PromType;
        (family as PromFamily & { typed?: true }).typed = true;
      }
      return;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
    if (!nameMatch) throw new PromParseError(line, `bad sample line ${JSON.stringify(raw)}`);
    const name = nameMatch[0];
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, line));
    const parts = rest.trim().split(/[ \t]+/);
    if (!/^[ \t]/.test(rest) || parts.length < 1 || parts.length > 2 || parts[0] === "") throw new PromParseError(line, `expected "value [timestamp]" after ${name}`);
    const value = parseFloatStrict(parts[0]!, line);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new PromParseError(line, `bad timestamp ${parts[1]}`);
    const family = (current && familyOf(name, new Map([[current.name, current]]))) ?? familyOf(name, families) ?? declare(name, line);
    if (family !== current) declare(family.name, line);
    const key = seriesKey(name, labels);
    if (seen.has(key)) throw new PromParseError(line, `duplicate series ${key}`);
    seen.add(key);
    family.samples.push({ name, labels, value });
  });

  for (const family of families.values()) {
    if (family.type === "histogram") histograms(family); // validates
    delete (family as PromFamily & { typed?: true }).typed;
  }
  return families;
}

/** A histogram family's series (labels without `le`), validated. */
export function histograms(family: PromFamily): PromHistogram[] {
  const bySeries = new Map<string, PromHistogram & { hasSum: boolean; hasCount: boolean }>();
  for (const s of family.samples) {
    const { le, ...labels } = s.labels;
    const key = seriesKey("", labels);
    let h = bySeries.get(key);
    if (!h) bySeries.set(key, (h = { labels, buckets: [], sum: NaN, count: NaN, hasSum: false, hasCount: false }));
    if (s.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      h.buckets.push({ le: parseFloatStrict(le, 0), count: s.value });
    } else if (s.name === `${family.name}_sum`) {
      h.sum = s.value;
      h.hasSum = true;
    } else if (s.name === `${family.name}_count`) {
      h.count = s.value;
      h.hasCount = true;
    } else throw new Error(`${family.name}: unexpected sample ${s.name}`);
  }
  return [...bySeries.values()].map(({ hasSum, hasCount, ...h }) => {
    const where = `${family.name}${JSON.stringify(h.labels)}`;
    if (!hasSum || !hasCount) throw new Error(`${where}: missing _sum or _count`);
    const last = h.buckets.at(-1);
    if (!last || last.le !== Infinity) throw new Error(`${where}: the last bucket must be le="+Inf"`);
    h.buckets.forEach((b, i) => {
      const prev = h.buckets[i - 1];
      if (prev && !(b.le > prev.le)) throw new Error(`${where}: le bounds must increase`);
      if (prev && b.count < prev.count) throw new Error(`${where}: buckets must be cumulative`);
    });
    if (last.count !== h.count) throw new Error(`${where}: _count ${h.count} differs from the +Inf bucket ${last.count}`);
    return h;
  });
}

/** The value of the one sample named `name` with exactly `labels`, or undefined. */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  const key = seriesKey(name, labels);
  for (const family of families.values()) for (const s of family.samples) if (seriesKey(s.name, s.labels) === key) return s.value;
  return undefined;
}
