import { describe, expect, it } from "vitest";

import { PortError, resolvePort } from "./port";

describe("the port npm start serves on", () => {
  it("is PORT when no argument is given", () => {
    expect(resolvePort([], { PORT: "4123" })).toBe(4123);
    expect(resolvePort([], { PORT: " 4123 " })).toBe(4123);
  });

  it("is the argument of `npm start -- 4000`, which wins over PORT", () => {
    expect(resolvePort(["4000"], {})).toBe(4000);
    expect(resolvePort(["4000"], { PORT: "4123" })).toBe(4000);
  });

  it("is 3000 with neither (an empty PORT counts as unset)", () => {
    expect(resolvePort([], {})).toBe(3000);
    expect(resolvePort([], { PORT: "" })).toBe(3000);
  });

  it.each([
    [["0"], {}, /argument/],
    [["65536"], {}, /argument/],
    [["40a0"], {}, /argument/],
    [[], { PORT: "http" }, /PORT/],
    [[], { PORT: "-1" }, /PORT/],
    [[], { PORT: "3000.5" }, /PORT/],
  ])("refuses %j / %j, naming where the value came from", (args, env, source) => {
    expect(() => resolvePort(args, env)).toThrow(PortError);
    expect(() => resolvePort(args, env)).toThrow(source);
  });
});
