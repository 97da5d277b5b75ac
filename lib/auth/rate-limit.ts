/**
 * Failed sign-ins per (username, client address): after MAX_FAILURES inside WINDOW_MS the pair
 * is refused until the window passes, whatever the password. In-process memory: each replica
 * limits on its own (an attacker spreading over N replicas gets N × the budget, still small);
 * a shared store is the upgrade if that matters.
 */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;

export class SignInLimiter {
  private failures = new Map<string, number[]>();

  constructor(private readonly clock: () => number = Date.now) {}

  private recent(key: string): number[] {
    const since = this.clock() - WINDOW_MS;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  isLocked(key: string): boolean {
    return this.recent(key).length >= MAX_FAILURES;
  }

  recordFailure(key: string): void {
    this.failures.set(key, [...this.recent(key), this.clock()]);
  }

  recordSuccess(key: string): void {
    this.failures.delete(key);
  }
}
