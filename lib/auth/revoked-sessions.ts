import "server-only";

import { appendRevokedSession, revokedSessionIds } from "@/lib/queries/sessions";
import { getWarehouse } from "@/lib/warehouse";
import type { Warehouse } from "@/lib/warehouse/types";

import { processRevocations, type RevocationStorage, SessionRevocations } from "./revocation";

/** Revocations kept in `nba_orchestration.revoked_sessions`, shared by every replica. */
export function warehouseRevocationStorage(wh: () => Warehouse = getWarehouse): RevocationStorage {
  return {
    async record(row) {
      await appendRevokedSession.run(wh(), [row]);
    },
    async listActive(now) {
      const rows = await revokedSessionIds.run(wh(), { now: now.toISOString() });
      return rows.map((r) => r.session_id);
    },
  };
}

/** This process's sign-out state, over the warehouse. */
export function sessionRevocations(): SessionRevocations {
  return processRevocations(() => new SessionRevocations(warehouseRevocationStorage()));
}

/**
 * Sign-out: refused on this process at once, then recorded for every replica. A failed write is
 * logged as an error (the sign-out then holds on this process only until the session ends) and
 * never stops the browser's own sign-out.
 */
export async function signOutSession(token: { sid?: unknown; name?: unknown; loginAt?: unknown } | null | undefined): Promise<void> {
  if (!token) return;
  try {
    await sessionRevocations().revoke(token);
  } catch (error) {
    console.error(
      `[auth] ${JSON.stringify({ event: "sign_out_not_recorded", user: typeof token.name === "string" ? token.name : null, error: error instanceof Error ? error.message : String(error), at: new Date().toISOString() })}`,
    );
  }
}
