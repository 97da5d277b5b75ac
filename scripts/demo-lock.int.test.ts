/**
 * `demo.mts rebuild` while another process holds the database (a running console): refused at
 * once with a message naming the pid, the file untouched. Before the lock it rebuilt and renamed
 * the new file over the running console's.
 */
import { spawn, spawnSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";

import { afterEach, expect, it } from "vitest";

import { type TempDatabase, prepareDatabase } from "@/test/support/console-server";

let db: TempDatabase | undefined;
afterEach(() => db?.remove());

it("refuses to rebuild a database another live process holds, leaving it untouched", async () => {
  db = await prepareDatabase();
  const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
  try {
    writeFileSync(`${db.path}.lock`, JSON.stringify({ pid: holder.pid }));
    const before = statSync(db.path);
    const run = spawnSync("npx", ["tsx", "--conditions=react-server", "scripts/demo.mts", "rebuild"], {
      env: { ...process.env, WAREHOUSE: "embedded", EMBEDDED_DB_PATH: db.path },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(1);
    expect(run.stderr).toContain(`pid ${holder.pid}`);
    const after = statSync(db.path);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  } finally {
    holder.kill();
  }
}, 30_000);
