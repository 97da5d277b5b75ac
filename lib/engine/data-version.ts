import "server-only";

/**
 * Who is told that the warehouse's data changed. The write layer (lib/actions, after each
 * successful write) calls `noteWrite`; the read layer (lib/data) registers with `onWrite` to drop
 * its cached reads and move its default `now` past the write. Both import this lower module, so
 * the write layer never imports the read layer.
 *
 * Kept on globalThis: Next bundles route handlers, pages and server actions separately, each with
 * its own copy of every module; a write made by a server action must reach the reads the API
 * serves in the same process.
 */
type WriteListener = (at: number) => void;

const processWide = globalThis as typeof globalThis & { __writeListeners?: Set<WriteListener> };
const listeners = (processWide.__writeListeners ??= new Set());

/** Call `listener` with the write's instant (ms) after every write this process applies. */
export function onWrite(listener: WriteListener): void {
  listeners.add(listener);
}

/** A write was applied at `at` (default: now). */
export function noteWrite(at: number = Date.now()): void {
  for (const listener of listeners) listener(at);
}
