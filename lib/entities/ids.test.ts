/**
 * Entity ids typed by people (the entity page's URL, the API, the CLI): which forms are accepted,
 * what kind each is, and what a refused id is told and offered instead. Expectations are written
 * out by hand from the three forms: `LAL`, `LAL_2024-12-15`, `lebronjames`.
 */
import { describe, expect, it } from "vitest";

import { closestKnownId, editDistance, normalizePlayerLookup, parseEntityId, suggestEntityId } from "./ids";

describe("parseEntityId: accepted ids", () => {
  it.each([
    ["LAL", { ok: true, kind: "team", entity: "LAL", lookup: "LAL", keyDate: null }],
    ["BOS", { ok: true, kind: "team", entity: "BOS", lookup: "BOS", keyDate: null }],
    ["LAL_2024-12-15", { ok: true, kind: "team_game", entity: "LAL_2024-12-15", lookup: "LAL", keyDate: "2024-12-15" }],
    ["NYK_2024-02-29", { ok: true, kind: "team_game", entity: "NYK_2024-02-29", lookup: "NYK", keyDate: "2024-02-29" }], // a leap day
    ["lebronjames", { ok: true, kind: "player", entity: "lebronjames", lookup: "lebronjames", keyDate: null }],
    ["treymurphyiii", { ok: true, kind: "player", entity: "treymurphyiii", lookup: "treymurphyiii", keyDate: null }],
    ["player23", { ok: true, kind: "player", entity: "player23", lookup: "player23", keyDate: null }],
    // Three lower-case letters are a well-formed player_lookup, not a team.
    ["lal", { ok: true, kind: "player", entity: "lal", lookup: "lal", keyDate: null }],
  ])("%s", (input, parsed) => {
    expect(parseEntityId(input)).toEqual(parsed);
  });

  it("accepts a player_lookup of exactly 64 characters and refuses 65", () => {
    expect(parseEntityId("a".repeat(64))).toMatchObject({ ok: true, kind: "player" });
    expect(parseEntityId("a".repeat(65))).toEqual({
      ok: false,
      message: "That id is 65 characters long; entity ids are at most 64.",
      suggestion: null,
    });
  });
});

describe("parseEntityId: refused ids", () => {
  const forms = "a team tricode (LAL), a team-game key (LAL_2024-12-15) or a player_lookup (lebronjames)";

  it("an empty or blank id is required", () => {
    for (const input of ["", "   ", "\t"]) {
      expect(parseEntityId(input)).toEqual({ ok: false, message: `An entity id is required: ${forms}.`, suggestion: null });
    }
  });

  it("a team-game key on a day the calendar does not have", () => {
    for (const [input, date] of [["LAL_2024-02-30", "2024-02-30"], ["LAL_2023-02-29", "2023-02-29"], ["LAL_2024-13-01", "2024-13-01"]]) {
      expect(parseEntityId(input!)).toEqual({
        ok: false,
        message: `"${input}" looks like a team-game key, but ${date} is not a calendar date.`,
        suggestion: null,
      });
    }
  });

  it("a player's name with separators is told the player_lookup form and offered it", () => {
    for (const [input, lookup] of [
      ["LeBron James", "lebronjames"],
      ["lebron_james", "lebronjames"],
      ["shai-gilgeous-alexander", "shaigilgeousalexander"],
      ["De'Aaron Fox", "deaaronfox"],
      ["P.J. Washington", "pjwashington"],
    ]) {
      const parsed = parseEntityId(input!);
      expect(parsed).toMatchObject({ ok: false, suggestion: lookup });
      expect(parsed.ok === false && parsed.message).toMatch(new RegExp(`^"${input!.replace(".", "\\.")}" is not a player id\\.`));
    }
  });

  it("other malformed ids get the general message, with the id probably meant", () => {
    const general = (input: string) => `"${input}" is not an entity id. Use ${forms}.`;
    // A team in the wrong case, a key in the wrong case or with another separator.
    expect(parseEntityId("Lal")).toEqual({ ok: false, message: general("Lal"), suggestion: "LAL" });
    expect(parseEntityId("lal_2024-12-15")).toEqual({ ok: false, message: general("lal_2024-12-15"), suggestion: "LAL_2024-12-15" });
    expect(parseEntityId("LAL 2024-12-15")).toEqual({ ok: false, message: general("LAL 2024-12-15"), suggestion: "LAL_2024-12-15" });
    expect(parseEntityId("LAL-2024-12-15")).toEqual({ ok: false, message: general("LAL-2024-12-15"), suggestion: "LAL_2024-12-15" });
    // Upper-case letters with no separator: offered the lookup form.
    expect(parseEntityId("LeBron")).toEqual({ ok: false, message: general("LeBron"), suggestion: "lebron" });
    expect(parseEntityId("Jokić")).toEqual({ ok: false, message: general("Jokić"), suggestion: "jokic" });
    // Nothing of an id is left: no suggestion.
    expect(parseEntityId("!!!")).toEqual({ ok: false, message: general("!!!"), suggestion: null });
  });

  it("markup or SQL in an id is refused, never parsed as an id", () => {
    for (const input of ["<script>alert(1)</script>", "LAL'; DROP TABLE x; --", "../etc/passwd", "LAL\n"]) {
      expect(parseEntityId(input).ok).toBe(false);
    }
  });
});

describe("suggestEntityId", () => {
  it.each([
    ["lal", "LAL"],
    ["bOs", "BOS"],
    ["  gsw  ", "GSW"],
    ["lal_2024-12-15", "LAL_2024-12-15"],
    ["Lal 2024-12-15", "LAL_2024-12-15"],
    ["José Alvarado", "josealvarado"],
    [" LAL", "LAL"], // a stray blank around a well-formed team code
    ["LAL_2024-12-15 ", "LAL_2024-12-15"],
  ])("%s → %s", (input, suggestion) => {
    expect(suggestEntityId(input)).toBe(suggestion);
  });

  it("offers nothing for an id already well formed or a lookup longer than 64 characters", () => {
    expect(suggestEntityId("LAL_2024-12-15")).toBeNull();
    expect(suggestEntityId("lebronjames")).toBeNull();
    expect(suggestEntityId("lal_2024-02-30")).toBeNull(); // a key whose day does not exist is no player id
    expect(suggestEntityId("A".repeat(65))).toBeNull();
    expect(suggestEntityId("A".repeat(64))).toBe("a".repeat(64));
  });
});

describe("normalizePlayerLookup", () => {
  it.each([
    ["LeBron James", "lebronjames"],
    ["José Alvarado", "josealvarado"],
    ["De'Aaron Fox", "deaaronfox"],
    ["Nikola Jokić", "nikolajokic"],
    ["Alperen Şengün", "alperensengun"],
    ["Kristaps Porziņģis", "kristapsporzingis"],
    ["Shai Gilgeous-Alexander", "shaigilgeousalexander"],
    ["P.J. Washington", "pjwashington"],
    ["Royce O\u2019Neale", "royceoneale"],
    ["smith_jr, john", "smithjrjohn"],
    ["", ""],
  ])("%s → %s", (name, lookup) => {
    expect(normalizePlayerLookup(name)).toBe(lookup);
  });
});

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["", "abc", 3],
    ["lebronjames", "lebronjames", 0],
    ["lebronjames", "lebronjame", 1], // a deletion
    ["lebronjames", "lebronjamess", 1], // an insertion
    ["lebronjames", "lebronjamez", 1], // a substitution
    ["kitten", "sitting", 3],
    ["LAL", "LAC", 1],
  ])("%s ↔ %s = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("closestKnownId", () => {
  const known = ["LAL", "LAC", "lebronjames", "stephencurry", "giannisantetokounmpo"];

  it("a typo within the allowed edits finds the known id, case-insensitively", () => {
    expect(closestKnownId("lebronjams", known)).toBe("lebronjames"); // 10 characters: up to 2 edits
    expect(closestKnownId("lebrnjams", known)).toBe("lebronjames"); // 2 edits
    expect(closestKnownId("stephnecurry", known)).toBe("stephencurry"); // a swap is 2 edits
    expect(closestKnownId("giannisantetokounpo", known)).toBe("giannisantetokounmpo"); // over 10: up to 3
    expect(closestKnownId("LEBRONJAMES", known)).toBe("lebronjames");
  });

  it("the allowed edits grow with the length: 1 up to 5 characters, 2 up to 10, 3 beyond", () => {
    expect(closestKnownId("abcde", ["abcxy"])).toBeNull(); // 5 characters, 2 edits
    expect(closestKnownId("abcde", ["abcdx"])).toBe("abcdx");
    expect(closestKnownId("abcdefghij", ["abcdefgxyz"])).toBeNull(); // 10 characters, 3 edits
    expect(closestKnownId("abcdefghij", ["abcdefghxy"])).toBe("abcdefghxy");
    expect(closestKnownId("abcdefghijk", ["abcdefghxyz"])).toBe("abcdefghxyz"); // 11 characters, 3 edits
    expect(closestKnownId("abcdefghijk", ["abcdefgwxyz"])).toBeNull(); // 4 edits
  });

  it("ties go to the alphabetically first, a nearer id wins, and an exact match needs no suggestion", () => {
    expect(closestKnownId("LAX", ["LAL", "LAC"])).toBe("LAC");
    expect(closestKnownId("LAX", ["LAC", "LAL"])).toBe("LAC");
    expect(closestKnownId("lebronjamse", ["lebronjames", "lebronjamse2"])).toBe("lebronjamse2"); // 1 edit beats 2
    expect(closestKnownId("LAL", known)).toBeNull();
    expect(closestKnownId("zzzzzz", known)).toBeNull();
    expect(closestKnownId("LAL", [])).toBeNull();
  });
});
