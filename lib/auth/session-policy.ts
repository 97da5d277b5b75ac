/**
 * Session lifetime: at most 8 hours from sign-in, and ended after 30 minutes without
 * a request. Pure, so the proxy (which slides the idle window on every request) and the server
 * (which refuses an expired token) apply the same rule.
 */
export const SESSION_MAX_MS = 8 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** The proxy re-issues the cookie at most this often (not on every request). */
export const SESSION_TOUCH_MS = 60 * 1000;

export interface SessionClock {
  loginAt?: unknown;
  lastSeen?: unknown;
}

export function sessionExpired(token: SessionClock, now: number): boolean {
  if (typeof token.loginAt !== "number" || typeof token.lastSeen !== "number") return true;
  return now - token.loginAt > SESSION_MAX_MS || now - token.lastSeen > SESSION_IDLE_MS;
}
