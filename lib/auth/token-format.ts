import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

import { z } from "zod";

import { processorField } from "@/lib/breakers/schemas";
import type { ProcessorName } from "@/lib/completeness/processors";

import { TOKEN_NAME_PATTERN } from "@/lib/env";

import { type Role, ROLES } from "./roles";

// The `API_TOKENS` entry format is configuration's (lib/env.ts validates it at start-up); the
// CLI's `tokens hash` and the tests write entries with it from here.
export { configEntry } from "@/lib/env";

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
