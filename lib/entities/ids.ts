/**
 * Entity ids: `lebronjames` (a player_lookup), `LAL` (a team tricode) and
 * `LAL_2024-12-15` (a team-game key). Client-safe: the console's pages and API and the CLI
 * validate ids, and suggest the id probably meant, with the same rules.
 */
import { type IsoDate, isIsoDate } from "@/lib/completeness/dates";
import type { EntityKind } from "@/lib/completeness/processors";
import { parseTeamGameKey } from "@/lib/completeness/windows";

const TEAM = /^[A-Z]{3}$/;
const TEAM_GAME = /^[A-Z]{3}_\d{4}-\d{2}-\d{2}$/;
const PLAYER = /^[a-z0-9]+$/;
const MAX_ENTITY_LENGTH = 64;

export const KIND_LABELS: Record<EntityKind, string> = {
  player: "Player",
  team: "Team",
  team_game: "Team game",
};

const ID_FORMS = "a team tricode (LAL), a team-game key (LAL_2024-12-15) or a player_lookup (lebronjames)";

export type ParsedEntity =
  | { ok: true; kind: EntityKind; entity: string; lookup: string; keyDate: IsoDate | null }
  | { ok: false; message: string; suggestion: string | null };

/**
 * The pipeline's player_lookup normalization (`normalize_name_for_lookup`): lowercase, strip diacritics, drop spaces,
 * hyphens, apostrophes, periods, commas, underscores and anything else outside [a-z0-9].
 */
export function normalizePlayerLookup(raw: string): string {
  return raw
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/** A well-formed id the input probably meant, or null. */
export function suggestEntityId(raw: string): string | null {
  const input = raw.trim();
  if (/^[A-Za-z]{3}$/.test(input) && input !== input.toUpperCase()) return input.toUpperCase();
  const key = /^([A-Za-z]{3})[_ -](\d{4}-\d{2}-\d{2})$/.exec(input);
  if (key && isIsoDate(key[2])) {
    const fixed = `${key[1]!.toUpperCase()}_${key[2]}`;
    return fixed === input ? null : fixed;
  }
  const lookup = normalizePlayerLookup(input);
  return lookup && lookup !== input && lookup.length <= MAX_ENTITY_LENGTH ? lookup : null;
}

/** Detect the entity's kind from its form; anything else is refused with a message. */
export function parseEntityId(raw: string): ParsedEntity {
  const input = raw;
  if (input.trim() === "") return { ok: false, message: `An entity id is required: ${ID_FORMS}.`, suggestion: null };
  if (input.length > MAX_ENTITY_LENGTH) {
    return { ok: false, message: `That id is ${input.length} characters long; entity ids are at most ${MAX_ENTITY_LENGTH}.`, suggestion: null };
  }
  if (TEAM.test(input)) return { ok: true, kind: "team", entity: input, lookup: input, keyDate: null };
  if (TEAM_GAME.test(input)) {
    const key = parseTeamGameKey(input)!;
    if (!isIsoDate(key.gameDate)) {
      return { ok: false, message: `"${input}" looks like a team-game key, but ${key.gameDate} is not a calendar date.`, suggestion: null };
    }
    return { ok: true, kind: "team_game", entity: input, lookup: key.team, keyDate: key.gameDate };
  }
  if (PLAYER.test(input)) return { ok: true, kind: "player", entity: input, lookup: input, keyDate: null };

  const suggestion = suggestEntityId(input);
  if (suggestion && PLAYER.test(suggestion) && /[\s_\-'.,]/.test(input)) {
    return {
      ok: false,
      message:
        `"${input}" is not a player id. A player_lookup is the name lowercased with no separators ` +
        `(no spaces, hyphens, apostrophes, periods or underscores): the original scripts' docs used ` +
        `lebron_james, which matches no row.`,
      suggestion,
    };
  }
  return { ok: false, message: `"${input}" is not an entity id. Use ${ID_FORMS}.`, suggestion };
}

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known id closest to `input` when it is close enough to be a typo: at most 1 edit for ids
 * up to 5 characters, 2 up to 10, 3 beyond; ties go to the alphabetically first. Case-insensitive.
 */
export function closestKnownId(input: string, known: Iterable<string>): string | null {
  const needle = input.toLowerCase();
  const limit = needle.length <= 5 ? 1 : needle.length <= 10 ? 2 : 3;
  let best: { id: string; d: number } | null = null;
  for (const id of known) {
    if (id === input) return null;
    const d = editDistance(needle, id.toLowerCase());
    if (d <= limit && (!best || d < best.d || (d === best.d && id < best.id))) best = { id, d };
  }
  return best?.id ?? null;
}
