import { afterAll, beforeAll, beforeEach } from "vitest";

import { clearMonitoringCache } from "@/lib/data/monitoring";

import type { Warehouse } from "@/lib/warehouse/types";

import { attemptRow, countRows, insertAttempts, memoryWarehouse } from "./fixtures";

/** The origin test requests go to; its host is allowed like a configured public name would be. */
export const ORIGIN = "http://console.test";

/**
 * An in-memory embedded database as the process's warehouse for this test file (opened before
 * its tests, closed after), with the console's host allowed. `readers: "original"` runs beside
 * the original pipeline (the production setting): its processors' names and read. Call at the
 * top of the file, before the configuration is first read, so a demo database in data/ cannot
 * change it. Returns the warehouse (usable once the file's tests run).
 */
export function consoleWarehouseForFile(options: { readers?: "original" } = {}): Warehouse {
  process.env.ALLOWED_HOSTS = "console.test";
  const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };
  const readersBefore = process.env.BREAKER_READERS;
  if (options.readers) process.env.BREAKER_READERS = options.readers;
  let wh: Warehouse | undefined;
  beforeAll(() => {
    wh = memoryWarehouse();
    holder.__completenessWarehouse = wh;
  });
  afterAll(async () => {
    delete holder.__completenessWarehouse;
    if (readersBefore === undefined) delete process.env.BREAKER_READERS;
    else process.env.BREAKER_READERS = readersBefore;
    await wh?.close();
  });
  return whenOpened(() => wh);
}

/** The warehouse `current()` will hold once the file's tests run, usable from the file's top level. */
function whenOpened(current: () => Warehouse | undefined): Warehouse {
  return new Proxy({} as Warehouse, {
    get(_, property) {
      const wh = current();
      if (!wh) throw new Error("the warehouse is opened before the file's tests run, not while the file loads");
      const value = (wh as unknown as Record<PropertyKey, unknown>)[property];
      return typeof value === "function" ? value.bind(wh) : value;
    },
  });
}

/**
 * A seeded in-memory database as the process's warehouse for this file: `seed` fills it before
 * the file's tests; before each test the monitoring reads' cache is cleared (a test sees what is
 * stored, not an earlier test's cached read) and the seeded warehouse is put back.
 * `failQueries(error)` makes every query fail with `error` until the next test.
 */
export function seededWarehouseForFile(seed: (wh: Warehouse) => Promise<void>): { wh: Warehouse; failQueries(error: Error): void } {
  const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };
  let wh: Warehouse | undefined;
  beforeAll(async () => {
    wh = memoryWarehouse();
    await seed(wh);
    holder.__completenessWarehouse = wh;
  });
  afterAll(async () => {
    delete holder.__completenessWarehouse;
    await wh?.close();
  });
  beforeEach(() => {
    clearMonitoringCache();
    holder.__completenessWarehouse = wh;
  });
  return {
    wh: whenOpened(() => wh),
    failQueries(error) {
      holder.__completenessWarehouse = { ...wh!, query: () => Promise.reject(error) };
    },
  };
}

export interface BreakerKeyFixture {
  processor: string;
  entity_id: string;
  analysis_date: string;
}

/** Three consecutive failures that tripped `key` a day ago, as attempt rows: active for six more days. */
export function trippedRows(key: BreakerKeyFixture): object[] {
  const t = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
  const at = { processor_name: key.processor, entity_id: key.entity_id, analysis_date: key.analysis_date };
  return [
    attemptRow({ ...at, attempt_number: 1, attempted_at: t(72), event_type: "failure" }),
    attemptRow({ ...at, attempt_number: 2, attempted_at: t(48), event_type: "failure" }),
    attemptRow({
      ...at,
      attempt_number: 3,
      attempted_at: t(24),
      event_type: "trip",
      circuit_breaker_tripped: true,
      circuit_breaker_until: new Date(Date.now() + 6 * 86_400_000).toISOString(),
    }),
  ];
}

/** Trips `key` (`trippedRows`). */
export async function tripKey(wh: Warehouse, key: BreakerKeyFixture): Promise<void> {
  await insertAttempts(wh, trippedRows(key));
}

/** The rows of every table a console write can touch. */
export async function writtenRows(wh: Warehouse): Promise<Record<string, number>> {
  const tables = ["nba_orchestration.reprocess_attempts", "nba_orchestration.breaker_audit_log", "nba_orchestration.api_tokens"];
  return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await countRows(wh, t)] as const)));
}
