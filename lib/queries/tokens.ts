import "server-only";

import { z } from "zod";

import { PROCESSOR_NAMES } from "@/lib/completeness/processors";

import { defineInsert } from "./define-insert";
import { defineQuery } from "./define-query";

const tokenName = z.string().min(1);
/** A token's role as stored; lib/auth/api-tokens.ts holds it to the roles it knows (a query module knows no policy). */
const storedRole = z.string().min(1);

export const tokenLookup = defineQuery({
  name: "token_lookup",
  file: "tokens/token_lookup.sql",
  params: z.object({ token_sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  types: { token_sha256: "STRING" },
  row: z.object({ token_name: z.string(), role: storedRole, processor: z.enum(PROCESSOR_NAMES).nullable() }),
});

export const tokenList = defineQuery({
  name: "token_list",
  file: "tokens/token_list.sql",
  params: z.object({}),
  types: {},
  row: z.object({
    token_name: z.string(),
    role: storedRole,
    processor: z.enum(PROCESSOR_NAMES).nullable(),
    created_by: z.string(),
    created_at: z.string(),
    revoked_by: z.string().nullable(),
    revoked_at: z.string().nullable(),
  }),
});

/** A created token: its name, role, processor binding and the SHA-256 of its secret (never the secret). */
export const appendToken = defineInsert<{ token_name: string; role: string; processor: string | null; token_sha256: string; created_by: string; created_at: string }>({
  table: "nba_orchestration.api_tokens",
  columns: ["token_name", "role", "processor", "token_sha256", "created_by", "created_at"],
});

/** The guard of a creation (a transaction guard, through `statement`). */
export const tokenNameFree = defineQuery({
  name: "token_name_free",
  file: "tokens/token_name_free.sql",
  params: z.object({ token_name: tokenName }),
  types: { token_name: "STRING" },
  row: z.object({ ok: z.boolean() }),
});

/** A DML statement: run through `execute` with its `statement`, never `run`. */
export const tokenRevoke = defineQuery({
  name: "token_revoke",
  file: "tokens/token_revoke.sql",
  params: z.object({ token_name: tokenName, revoked_by: z.string().min(1), revoked_at: z.string() }),
  types: { token_name: "STRING", revoked_by: "STRING", revoked_at: "TIMESTAMP" },
  row: z.object({}),
});
