/**
 * The embedded warehouse an integration test file (or describe block) works on, set up and torn
 * down by vitest's hooks, and a warehouse that forwards to another one with some methods
 * replaced (to count, slow down or break reads).
 */
import { afterAll, beforeAll, beforeEach } from "vitest";

import type { Warehouse } from "@/lib/warehouse/types";

import { clearTables, memoryWarehouse } from "./fixtures";

/**
 * A warehouse whose every method forwards to `target()` at call time, with `overrides` in
 * their place. `kind` is the target's unless overridden.
 */
export function forwardingWarehouse(target: () => Warehouse, overrides: Partial<Warehouse> = {}): Warehouse {
  return {
    get kind() {
      return overrides.kind ?? target().kind;
    },
    query: overrides.query ?? ((sql, options) => target().query(sql, options)),
    execute: overrides.execute ?? ((sql, options) => target().execute(sql, options)),
    transaction: overrides.transaction ?? ((statements, options) => target().transaction(statements, options)),
    insert: overrides.insert ?? ((table, columns, rows) => target().insert(table, columns, rows)),
    close: overrides.close ?? (() => target().close()),
  };
}

export interface TestWarehouseOptions {
  /** Rows every test of the scope reads, inserted once after the schema. */
  seed?: (wh: Warehouse) => Promise<unknown>;
  /** Tables emptied before each test of the scope. */
  clearEach?: readonly string[];
}

/**
 * An in-memory DuckDB with the console's schema for the tests of the current scope (the file,
 * or the describe block this is called in): opened in `beforeAll` (then `seed`), closed in
 * `afterAll`, `clearEach` emptied in `beforeEach`. The returned warehouse forwards to it, so it
 * can be named at the top of the scope before the hooks run.
 */
export function scopedMemoryWarehouse(options: TestWarehouseOptions = {}): Warehouse {
  let current: Warehouse | undefined;
  const target = () => {
    if (!current) throw new Error("The test warehouse is used before its beforeAll hook opened it, or after afterAll closed it");
    return current;
  };
  beforeAll(async () => {
    current = memoryWarehouse();
    await options.seed?.(current);
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  if (options.clearEach) {
    const tables = options.clearEach;
    beforeEach(() => clearTables(target(), tables));
  }
  return forwardingWarehouse(target);
}
