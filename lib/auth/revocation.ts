/**
 * Sessions ended by sign-out. A session is a signed cookie that stays valid until it expires;
 * signing out deletes the browser's copy but not a copy taken before. So every session carries
 * an id (`sid`, set at sign-in); sign-out records it in a table every replica reads
 * (`nba_orchestration.revoked_sessions`, through the storage given here), and the server refuses
 * a revoked id wherever it checks the role (lib/auth/session.ts) and in the request gate.
 *
 * The rules:
 * - The process that handled the sign-out refuses the id at once (it keeps its own list too).
 * - Every other process reads the table's list of revoked ids at most once per
 *   REVOCATION_CACHE_MS and refuses from it: a sign-out reaches every replica, and survives a
 *   restart, within that time. The list holds only sessions that could still be presented
 *   (sign-in + 8 hours), so it stays small; concurrent checks share one read.
 * - A failed read: within REVOCATION_STALE_MS of the last good read, that copy keeps being used
 *   and each failure is logged as a warning (the console keeps serving its stale-marked data
 *   through a short warehouse outage — during which no sign-out can be recorded anyway). Past it,
 *   or with no good read at all, it fails closed: the check throws, the request is answered 503
 *   (or the error page), never let through on an unchecked session. The next request reads again.
 * - A session without an id could never be revoked, so it is refused.
 *
 * This module does no I/O of its own, so the proxy can ask what this process already knows
 * (`sessionKnownRevoked`) without reading the warehouse on every page view.
 */
import { SESSION_MAX_MS } from "./session-policy";

/** How long a process trusts its copy of the revoked list (the README states it). */
export const REVOCATION_CACHE_MS = 30_000;
/** How old a copy may be used while the table cannot be read (the README states it). */
export const REVOCATION_STALE_MS = 5 * 60_000;

export interface RevokedSessionRow {
  session_id: string;
  user_name: string;
  /** ISO instants. */
  revoked_at: string;
  expires_at: string;
}

/** Where revocations are kept: the warehouse in the console, memory in unit tests. */
export interface RevocationStorage {
  record(row: RevokedSessionRow): Promise<void>;
  /** The ids of revoked sessions whose expires_at is after `now`. */
  listActive(now: Date): Promise<string[]>;
}

/** The signed-out state as one process sees it: its own sign-outs, and a cached copy of the table. */
export class SessionRevocations {
  /** Sign-outs this process handled: id → when the session would have ended anyway (ms). */
  private readonly local = new Map<string, number>();
  private shared: { ids: ReadonlySet<string>; readAt: number } | null = null;
  private reading: Promise<ReadonlySet<string>> | null = null;

  constructor(
    private readonly storage: RevocationStorage,
    private readonly cacheMs = REVOCATION_CACHE_MS,
    private readonly staleMs = REVOCATION_STALE_MS,
  ) {}

  /**
   * Sign a session out: refused here at once, and recorded for the other replicas. Rejects when
   * the record could not be written (the caller logs it: the sign-out then holds on this
   * process only).
   */
  async revoke(token: { sid?: unknown; name?: unknown; loginAt?: unknown }, now = Date.now()): Promise<void> {
    const sid = token.sid;
    if (typeof sid !== "string" || !sid) return;
    // The latest a copy of this cookie could still be accepted: the idle window slides, the 8 hours do not.
    const expiresAt = (typeof token.loginAt === "number" ? token.loginAt : now) + SESSION_MAX_MS;
    if (expiresAt <= now) return;
    for (const [id, until] of this.local) if (until <= now) this.local.delete(id);
    this.local.set(sid, expiresAt);
    await this.storage.record({
      session_id: sid,
      user_name: typeof token.name === "string" && token.name ? token.name : "unknown",
      revoked_at: new Date(now).toISOString(),
      expires_at: new Date(expiresAt).toISOString(),
    });
  }

  /** What this process knows without reading anything: its own sign-outs and its last copy of the table. */
  knownRevoked(sid: unknown, now = Date.now()): boolean {
    if (typeof sid !== "string" || !sid) return true;
    const until = this.local.get(sid);
    return (until !== undefined && until > now) || Boolean(this.shared?.ids.has(sid));
  }

  /** Whether a session id is signed out (or missing); reads the table when the copy is older than the cache time. Throws when it cannot tell. */
  async isRevoked(sid: unknown, now = Date.now()): Promise<boolean> {
    if (this.knownRevoked(sid, now)) return true;
    return (await this.sharedIds(now)).has(sid as string);
  }

  private sharedIds(now: number): Promise<ReadonlySet<string>> | ReadonlySet<string> {
    const copy = this.shared;
    if (copy && now >= copy.readAt && now - copy.readAt < this.cacheMs) return copy.ids;
    this.reading ??= this.storage
      .listActive(new Date(now))
      .then(
        (ids) => {
          const set = new Set(ids);
          this.shared = { ids: set, readAt: now };
          return set;
        },
        (error: unknown) => {
          const last = this.shared;
          if (!last || now < last.readAt || now - last.readAt >= this.staleMs) throw error;
          const ageMs = now - last.readAt;
          console.warn(`[auth] ${JSON.stringify({ event: "sign_outs_unreadable", using_copy_age_ms: ageMs, error: error instanceof Error ? error.message : String(error) })}`);
          return last.ids;
        },
      )
      .finally(() => {
        this.reading = null;
      });
    return this.reading;
  }
}

// One per process, shared through globalThis: Next bundles this module once per entry (pages,
// route handlers, the proxy, instrumentation), and they must all see the same sign-outs.
const KEY = "__completenessSessionRevocations";
const holder = globalThis as typeof globalThis & { [KEY]?: SessionRevocations };

/** This process's revocations, created by `create` on first use. */
export function processRevocations(create: () => SessionRevocations): SessionRevocations {
  return (holder[KEY] ??= create());
}

/**
 * For the proxy's redirect only (a convenience, never the authorization): whether this process
 * already knows the session is signed out, without reading the warehouse.
 */
export function sessionKnownRevoked(sid: unknown, now = Date.now()): boolean {
  if (typeof sid !== "string" || !sid) return true;
  return holder[KEY]?.knownRevoked(sid, now) ?? false;
}
