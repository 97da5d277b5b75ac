import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { OverHundredFlag } from "./over-hundred-flag";

describe("OverHundredFlag", () => {
  it("says where a completeness above 100% comes from, and nothing otherwise", () => {
    expect(renderToStaticMarkup(<OverHundredFlag pct={193.3} />)).toContain("over 100%: written by the original checker");
    for (const pct of [100, 42, null, undefined]) expect(renderToStaticMarkup(<OverHundredFlag pct={pct} />)).toBe("");
  });
});
