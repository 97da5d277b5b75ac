import { describe, expect, it } from "vitest";

import { GuardFailedError, WarehouseError } from "./types";

describe("warehouse errors across bundle copies", () => {
  // What another bundle's copy of the classes constructs: same brands, different class identity.
  const foreignWarehouseError = () => Object.defineProperty(new Error("x"), Symbol.for("completeness-console.WarehouseError"), { value: true });
  const foreignGuardFailed = () => Object.defineProperty(foreignWarehouseError(), Symbol.for("completeness-console.GuardFailedError"), { value: true });

  it("recognises another copy's errors by their brand", () => {
    expect(foreignWarehouseError()).toBeInstanceOf(WarehouseError);
    expect(foreignWarehouseError()).not.toBeInstanceOf(GuardFailedError);
    expect(foreignGuardFailed()).toBeInstanceOf(GuardFailedError);
    expect(foreignGuardFailed()).toBeInstanceOf(WarehouseError);
  });

  it("keeps the class hierarchy for its own errors and refuses everything else", () => {
    expect(new GuardFailedError()).toBeInstanceOf(WarehouseError);
    expect(new WarehouseError("x")).not.toBeInstanceOf(GuardFailedError);
    for (const other of [new Error("x"), null, undefined, "WarehouseError", { name: "WarehouseError" }]) {
      expect(other instanceof WarehouseError).toBe(false);
    }
  });
});
