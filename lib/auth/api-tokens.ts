import "server-only";

import { getEnv } from "@/lib/env";
import { appendToken, tokenList, tokenLookup, tokenNameFree, tokenRevoke } from "@/lib/queries/tokens";
import { getWarehouse } from "@/lib/warehouse";
import { GuardFailedError, type Warehouse } from "@/lib/warehouse/types";

import type { ProcessorName } from "@/lib/completeness/processors";

import { isRole, type Role } from "./roles";
import { type Actor, authenticated } from "./session";
import {
  type ConfiguredToken,
  generateToken,
  hashToken,
  looksLikeToken,
  parseConfiguredTokens,
  sameHash,
  type TokenIdentity,
  tokenActorName,
} from "./token-format";

/**
 * API tokens on the server: who a `Authorization: Bearer …` request is, and the admins' create,
 * list and revoke. Lookups are cached per process for LOOKUP_TTL_MS (every API call would
 * otherwise read the table); a revocation clears this process's cache at once, and other
 * replicas stop accepting the token within LOOKUP_TTL_MS.
 */
const LOOKUP_TTL_MS = 30_000;
/** Unknown tokens are remembered too (a client retrying a wrong token reads the table once per TTL), within a bound. */
const MAX_CACHED = 10_000;

interface CachedLookup {
  identity: TokenIdentity | null;
  at: number;
}
const holder = globalThis as typeof globalThis & { __completenessTokenCache?: Map<string, CachedLookup> };
const cache = (holder.__completenessTokenCache ??= new Map());

/** A role read from the api_tokens table: one of ROLES, or the table was written by something else. */
function storedRole(value: string): Role {
  if (!isRole(value)) throw new Error(`nba_orchestration.api_tokens holds an unknown role "${value.slice(0, 40)}"`);
  return value;
}

function configured(): ConfiguredToken[] {
  return parseConfiguredTokens(getEnv().API_TOKENS);
}

/** The bearer token of a request, or null when it carries none. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : "";
}

/** The actor a token stands for, or null when it is unknown, malformed or revoked. */
export async function actorOfToken(token: string, wh: Warehouse = getWarehouse(), now = Date.now()): Promise<Actor | null> {
  if (!looksLikeToken(token)) return null;
  const hash = hashToken(token);
  const fromConfig = configured().find((t) => sameHash(t.sha256, hash));
  let identity: TokenIdentity | null = fromConfig ? { name: fromConfig.name, role: fromConfig.role, processor: null } : null;
  if (!identity) {
    const hit = cache.get(hash);
    if (hit && now - hit.at < LOOKUP_TTL_MS) {
      identity = hit.identity;
    } else {
      const [row] = await tokenLookup.run(wh, { token_sha256: hash });
      identity = row ? { name: row.token_name, role: storedRole(row.role), processor: row.processor } : null;
      cache.delete(hash);
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(hash, { identity, at: now });
    }
  }
  if (!identity) return null;
  const actor: Actor = { name: tokenActorName(identity.name), role: identity.role, via: "token" };
  return authenticated(identity.processor ? { ...actor, processor: identity.processor } : actor);
}

export interface TokenInfo {
  name: string;
  role: Role;
  /** A pipeline token's processor, when it is bound to one. */
  processor: ProcessorName | null;
  /** `config`: in API_TOKENS (revoked by removing it there); `table`: created by an admin. */
  source: "config" | "table";
  created_by: string | null;
  created_at: string | null;
  revoked_by: string | null;
  revoked_at: string | null;
}

export async function listTokens(wh: Warehouse = getWarehouse()): Promise<TokenInfo[]> {
  const rows = await tokenList.run(wh, {});
  return [
    ...configured().map((t): TokenInfo => ({ name: t.name, role: t.role, processor: null, source: "config", created_by: null, created_at: null, revoked_by: null, revoked_at: null })),
    ...rows.map((r): TokenInfo => ({ name: r.token_name, role: storedRole(r.role), processor: r.processor, source: "table", created_by: r.created_by, created_at: r.created_at, revoked_by: r.revoked_by, revoked_at: r.revoked_at })),
  ];
}

export type TokenWrite<T> = { ok: true; replay: boolean; data: T } | { ok: false; error: "conflict" | "not_found"; message: string };

export interface CreatedToken {
  name: string;
  role: Role;
  processor: ProcessorName | null;
  created_at: string;
  /** The secret: returned once, here, and stored nowhere. */
  token: string;
}

/** Create a token; its name must never have been used (config or table, valid or revoked). */
export async function createToken(
  input: { name: string; role: Role; processor?: ProcessorName },
  createdBy: string,
  wh: Warehouse = getWarehouse(),
  now = new Date().toISOString(),
): Promise<TokenWrite<CreatedToken>> {
  const taken = { ok: false as const, error: "conflict" as const, message: `A token named "${input.name}" already exists (names are never reused, even after revocation)` };
  if (configured().some((t) => t.name === input.name)) return taken;
  const token = generateToken();
  try {
    await wh.transaction(
      [
        appendToken.statement([
          { token_name: input.name, role: input.role, processor: input.processor ?? null, token_sha256: hashToken(token), created_by: createdBy, created_at: now },
        ]),
      ],
      {
        label: "token_create",
        guard: tokenNameFree.statement({ token_name: input.name }),
      },
    );
  } catch (error) {
    if (error instanceof GuardFailedError) return taken;
    throw error;
  }
  return { ok: true, replay: false, data: { name: input.name, role: input.role, processor: input.processor ?? null, created_at: now, token } };
}

/** Revoke a table token. Revoking a revoked one is a replay (same answer, nothing written). */
export async function revokeToken(
  name: string,
  revokedBy: string,
  wh: Warehouse = getWarehouse(),
  now = new Date().toISOString(),
): Promise<TokenWrite<{ name: string; revoked_at: string; revoked_by: string }>> {
  if (configured().some((t) => t.name === name)) {
    return { ok: false, error: "conflict", message: `"${name}" is configured in API_TOKENS: remove it there and restart to revoke it` };
  }
  const revoke = tokenRevoke.statement({ token_name: name, revoked_by: revokedBy, revoked_at: now });
  const result = await wh.execute(revoke.sql, { params: revoke.params, types: revoke.types, label: "token_revoke" });
  cache.clear();
  const row = (await tokenList.run(wh, {})).find((r) => r.token_name === name);
  if (!row) return { ok: false, error: "not_found", message: `No token named "${name}"` };
  return { ok: true, replay: result.affectedRows === 0, data: { name, revoked_at: row.revoked_at!, revoked_by: row.revoked_by! } };
}
