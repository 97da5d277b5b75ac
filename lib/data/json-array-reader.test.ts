import { describe, expect, it } from "vitest";

import { JsonArrayReader, leadingElements } from "./json-array-reader";

const VALUE = [
  { a: "x,]}", b: [1, { c: "\\\"]" }], d: null },
  "plain, \"quoted\" ] text",
  42,
  [],
  { "é": "ünïcode ✓", nested: { deeper: [[["]"]]] } },
  true,
];
/** The array's text, and where each element's separator (the "," or "]" after it) is. */
const { TEXT, SEPARATORS } = (() => {
  let text = " [ ";
  const separators: number[] = [];
  VALUE.forEach((v, i) => {
    text += `${JSON.stringify(v)} `;
    separators.push(text.length);
    text += i + 1 < VALUE.length ? ",\n " : "] ";
  });
  return { TEXT: text, SEPARATORS: separators };
})();

describe("JsonArrayReader", () => {
  it("yields every element, in order, however the text is cut into pieces", () => {
    for (let size = 1; size <= TEXT.length; size++) {
      const reader = new JsonArrayReader();
      const got: unknown[] = [];
      for (let at = 0; at < TEXT.length; at += size) got.push(...reader.push(TEXT.slice(at, at + size)));
      expect(got, `pieces of ${size}`).toEqual(VALUE);
      expect(reader.done).toBe(true);
    }
  });

  it("yields from a prefix exactly the elements whose separator it holds", () => {
    for (let cut = 0; cut <= TEXT.length; cut++) {
      const expected = VALUE.filter((_, i) => SEPARATORS[i]! < cut);
      expect(leadingElements(TEXT.slice(0, cut)), `prefix of ${cut}`).toEqual(expected);
    }
    expect(leadingElements("[]")).toEqual([]);
    expect(leadingElements("")).toEqual([]);
  });

  it("refuses text that is not an array", () => {
    expect(() => leadingElements('{"a":1}')).toThrow(SyntaxError);
  });
});
