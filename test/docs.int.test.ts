/**
 * Every command and query in docs/*.md runs, on the test dataset (test/support/breaker-dataset.ts):
 * - ```sh blocks: each `npx completeness …` line through the CLI's `main()` against the built
 *   console on a fresh database per document, in document order; it must exit 0, or the code its
 *   trailing `# exit N` says. Prompts are answered as an operator would (`yes`; for a reset the
 *   entity id, `DELETE`, `yes`). `export` lines may only set the CLI's two variables.
 * - ```http blocks: each `GET /path` answers 200 to an admin token.
 * - ```sql blocks: run on the embedded database with the dataset, binding their `@params`; each
 *   must return rows. ```sql ddl blocks are checked by the offline BigQuery validator.
 * The docs' example dates 2026-11-22 and 2026-11-20 stand for the dataset's D and D_PREV.
 */
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";

import { validate } from "@polyglot-sql/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { configEntry, generateToken, hashToken } from "@/lib/auth/token-format";
import type { ParamType, ParamValue, Warehouse } from "@/lib/warehouse/types";
import { breakerDataset } from "@/test/support/breaker-dataset";
import { prepareDatabase, startConsole } from "@/test/support/console-server";
import { memoryWarehouse } from "@/test/support/fixtures";

import { main } from "@/cli/main";

const DOCS = ["docs/quick-start.md", "docs/cli.md", "docs/runbook.md"] as const;
const data = breakerDataset();
const DATES: Record<string, string> = { "2026-11-22": data.D, "2026-11-20": data.D_PREV };
const ADMIN = generateToken();

interface Block {
  info: string;
  code: string;
}

function blocksOf(markdown: string): Block[] {
  return [...markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```/gm)].map((m) => ({ info: m[1]!.trim(), code: m[2]! }));
}

const withDates = (text: string) => text.replace(/2026-11-2[02]/g, (d) => DATES[d]!);

/** A shell line's words: double- and single-quoted strings, and a trailing `# comment`. */
function shellWords(line: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (/\s/.test(line[i]!)) {
      i++;
      continue;
    }
    if (line[i] === "#") return { words, comment: line.slice(i + 1).trim() };
    let word = "";
    while (i < line.length && !/\s/.test(line[i]!)) {
      const quote = line[i];
      if (quote === '"' || quote === "'") {
        const end = line.indexOf(quote, i + 1);
        if (end < 0) throw new Error(`unterminated quote in: ${line}`);
        word += line.slice(i + 1, end);
        i = end + 1;
      } else {
        word += line[i++];
      }
    }
    words.push(word);
  }
  return { words, comment: "" };
}

const documents = DOCS.map((file) => ({ file, blocks: blocksOf(readFileSync(file, "utf8")) }));

describe.each(documents)("$file", ({ file, blocks }) => {
  let url = "";
  let stop = async () => {};
  let wh: Warehouse;

  beforeAll(async () => {
    const db = await prepareDatabase((w) => data.seed(w));
    data.writeCalendar(db.path);
    const server = await startConsole({ dbPath: db.path, env: { API_TOKENS: configEntry({ name: "docs-admin", role: "admin", sha256: hashToken(ADMIN) }), CACHE_TTL_SECONDS: "0" } });
    url = server.url;
    stop = async () => {
      await server.stop();
      db.remove();
    };
    wh = memoryWarehouse();
    await data.seed(wh);
  }, 180_000);
  afterAll(async () => {
    await stop();
    await wh?.close();
  });

  it("has commands or queries to check", () => {
    expect(blocks.filter((b) => /^(sh|http|sql)/.test(b.info)).length).toBeGreaterThan(0);
  });

  it("every shell command runs with the exit code the document says", async () => {
    let ran = 0;
    for (const block of blocks.filter((b) => b.info === "sh")) {
      for (const raw of block.code.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))) {
        const { words, comment } = shellWords(withDates(raw));
        if (words[0] === "export") {
          expect(words[1], raw).toMatch(/^(COMPLETENESS_URL|COMPLETENESS_TOKEN)=/);
          continue;
        }
        expect(words.slice(0, 2), `${file}: only CLI commands belong in sh blocks: ${raw}`).toEqual(["npx", "completeness"]);
        const args = words.slice(2);
        const expected = Number(/^exit (\d)$/.exec(comment)?.[1] ?? 0);
        const entity = args[args.indexOf("--entity") + 1] ?? "";
        const answers = args[0] === "reset" ? [entity, "DELETE", "yes"] : ["yes"];
        let stdout = "";
        let stderr = "";
        const stdin = Readable.from([answers.map((a) => `${a}\n`).join("")]) as Readable & { isTTY?: boolean };
        stdin.isTTY = true;
        const code = await main(args, {
          stdin,
          stdout: { write: (s: string) => (stdout += s) },
          stderr: { write: (s: string) => (stderr += s) },
          env: { COMPLETENESS_URL: url, COMPLETENESS_TOKEN: ADMIN },
        });
        expect(code, `${file}: ${raw}\n${stdout}\n${stderr}`).toBe(expected);
        ran++;
      }
    }
    expect(ran > 0).toBe(blocks.some((b) => b.info === "sh"));
  });

  it("every HTTP example answers 200", async () => {
    for (const block of blocks.filter((b) => b.info === "http")) {
      for (const line of block.code.split("\n").filter(Boolean)) {
        const [method, path] = withDates(line).split(" ");
        expect(method).toBe("GET");
        const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
        expect(res.status, `${file}: ${line}`).toBe(200);
      }
    }
  });

  it("every query returns rows on the embedded database (the same SQL as BigQuery's)", async () => {
    const values: Record<string, { value: ParamValue; type: ParamType }> = {
      date_from: { value: data.D_PREV, type: "DATE" },
      date_to: { value: data.D, type: "DATE" },
      as_of: { value: data.D, type: "DATE" },
      since: { value: new Date(data.now - 4 * 86_400_000).toISOString(), type: "TIMESTAMP" },
      team: { value: "LAL", type: "STRING" },
    };
    for (const block of blocks.filter((b) => b.info === "sql")) {
      const names = [...new Set([...block.code.matchAll(/@([a-z_]+)/g)].map((m) => m[1]!))];
      for (const name of names) expect(values[name], `${file}: unknown parameter @${name}`).toBeDefined();
      const rows = await wh.query(block.code, {
        params: Object.fromEntries(names.map((n) => [n, values[n]!.value])),
        types: Object.fromEntries(names.map((n) => [n, values[n]!.type])),
      });
      expect(rows.length, `${file}:\n${block.code}`).toBeGreaterThan(0);
      expect(validate(block.code, "bigquery").errors.filter((e) => e.severity === "error"), block.code).toEqual([]);
    }
    for (const block of blocks.filter((b) => b.info === "sql ddl")) {
      expect(validate(block.code, "bigquery").errors.filter((e) => e.severity === "error"), block.code).toEqual([]);
    }
  });
});
