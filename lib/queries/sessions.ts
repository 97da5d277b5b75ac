import "server-only";

import { z } from "zod";

import { defineQuery } from "./define-query";

/** The signed-out sessions every replica refuses (lib/auth/revocation.ts caches the list). */
export const revokedSessionIds = defineQuery({
  name: "revoked_session_ids",
  file: "sessions/revoked_session_ids.sql",
  params: z.object({ now: z.string() }),
  types: { now: "TIMESTAMP" },
  row: z.object({ session_id: z.string() }),
});

/** The table sign-out appends to (an insert, lowered by each adapter; no SQL file). */
export const REVOKED_SESSIONS_TABLE = "nba_orchestration.revoked_sessions";
export const REVOKED_SESSIONS_COLUMNS = { session_id: "STRING", user_name: "STRING", revoked_at: "TIMESTAMP", expires_at: "TIMESTAMP" } as const;
