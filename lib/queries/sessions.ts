import "server-only";

import { z } from "zod";

import { defineInsert } from "./define-insert";
import { defineQuery } from "./define-query";

/** The signed-out sessions every replica refuses (lib/auth/revocation.ts caches the list). */
export const revokedSessionIds = defineQuery({
  name: "revoked_session_ids",
  file: "sessions/revoked_session_ids.sql",
  params: z.object({ now: z.string() }),
  types: { now: "TIMESTAMP" },
  row: z.object({ session_id: z.string() }),
});

/** What sign-out appends: one row per signed-out session. */
export const appendRevokedSession = defineInsert<{ session_id: string; user_name: string; revoked_at: string; expires_at: string }>({
  table: "nba_orchestration.revoked_sessions",
  columns: ["session_id", "user_name", "revoked_at", "expires_at"],
});
