/**
 * Sessions ended by sign-out. A session is a signed cookie that stays valid until it expires;
 * signing out deletes the browser's copy but not a copy taken before. So every session carries
 * an id (`sid`, set at sign-in) and sign-out records it here; the server refuses a revoked id
 * wherever it checks the role (lib/auth/session.ts), and the proxy treats it as signed out.
 *
 * Kept in this process's memory until the session would have expired anyway (8 hours at most):
 * it holds on one server. With several replicas, or across a restart, a copied cookie keeps
 * working on the others until its idle limit (30 minutes) or 8 hours — the README says so; a
 * table shared by the replicas is the upgrade.
 */
import { SESSION_MAX_MS } from "./session-policy";

const holder = globalThis as typeof globalThis & { __completenessRevokedSessions?: Map<string, number> };
holder.__completenessRevokedSessions ??= new Map();
const revoked = holder.__completenessRevokedSessions;

export function revokeSession(sid: unknown, now = Date.now()): void {
  if (typeof sid !== "string" || !sid) return;
  for (const [id, until] of revoked) if (until <= now) revoked.delete(id);
  revoked.set(sid, now + SESSION_MAX_MS);
}

/** Whether a session token may be used: it has an id and that id was not signed out. */
export function sessionUsable(sid: unknown, now = Date.now()): boolean {
  if (typeof sid !== "string" || !sid) return false;
  const until = revoked.get(sid);
  return until === undefined || until <= now;
}
