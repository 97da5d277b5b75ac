import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

import { z } from "zod";

import { processorField } from "@/lib/breakers/schemas";
import type { ProcessorName } from "@/lib/completeness/processors";

import { isRole, type Role, ROLES } from "./roles";

/**
 * API tokens for non-browser clients (the CLI, automation): a name, a role, and a secret the
 * holder sends as `Authorization: Bearer cct_…`. The console stores only the SHA-256 of the
 * secret — in the `nba_orchestration.api_tokens` table (created and revoked by admins) or in
 * the `API_TOKENS` configuration (the first admin token, before any exists in the table).
 * A 256-bit random secret needs no slow hash: guessing it is as hard as guessing the hash.
 *
 * Pure (node:crypto only): shared by the server and the CLI's offline `tokens hash` command.
 */
export const TOKEN_PREFIX = "cct_";
const TOKEN_PATTERN = /^cct_[A-Za-z0-9_-]{43}$/;

/** An API token's name: in `API_TOKENS` entries and in the api_tokens table alike. */
export const TOKEN_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const TOKEN_HASH_PATTERN = /^[0-9a-f]{64}$/;

/** An API token kept in configuration: its name, its role and the SHA-256 of its secret (never the secret). */
export interface ConfiguredToken {
  name: string;
  role: Role;
  sha256: string;
}

/** One `API_TOKENS` entry: `name:role:sha256`. */
export function configEntry(token: ConfiguredToken): string {
  return `${token.name}:${token.role}:${token.sha256}`;
}

/**
 * `API_TOKENS`: comma-separated `name:role:sha256` entries. Throws with the entry at fault, so a
 * typo stops start-up instead of silently locking a client out.
 */
export function parseConfiguredTokens(value: string): ConfiguredToken[] {
  const out: ConfiguredToken[] = [];
  for (const raw of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [name = "", role = "", sha256 = "", ...rest] = raw.split(":");
    if (rest.length || !TOKEN_NAME_PATTERN.test(name) || !isRole(role) || !TOKEN_HASH_PATTERN.test(sha256)) {
      throw new Error(`entry "${raw.slice(0, 40)}…" is not name:role:sha256 (name ${TOKEN_NAME_PATTERN}, role ${ROLES.join("|")}, 64 hex digits)`);
    }
    if (out.some((t) => t.name === name)) throw new Error(`token name "${name}" appears twice`);
    out.push({ name, role, sha256 });
  }
  return out;
}

export interface TokenIdentity {
  name: string;
  role: Role;
  /** A pipeline token bound to one processor (it may check and report for that one only); null: any. */
  processor: ProcessorName | null;
}

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export function looksLikeToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time comparison of two hex digests (a configured hash against a presented token's). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The audit's actor for a token: its name, marked so it never reads as a person's account. */
export function tokenActorName(name: string): string {
  return `token:${name}`;
}

/** Inputs of the admins' token commands (API, CLI). */
export const tokenNameField = z
  .string()
  .regex(TOKEN_NAME_PATTERN, "must be 2–63 characters: lower-case letters, digits, . _ or -, starting with a letter or digit");
export const tokenCreateInput = z
  .object({
    name: tokenNameField,
    role: z.enum(ROLES),
    /** Only for a pipeline token: the one processor it may check for (by console or pipeline name). */
    processor: processorField.optional(),
  })
  .strict()
  .refine((t) => t.processor === undefined || t.role === "pipeline", { message: "only a pipeline token is bound to a processor", path: ["processor"] });
export const tokenRevokeInput = z.object({ name: tokenNameField }).strict();
