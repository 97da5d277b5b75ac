/**
 * A shared clock for relative times and countdowns: one timer for the whole page, ticking
 * every 15 s while anything listens (the texts it feeds change once a minute at most).
 *
 * Hydration: the server renders with an explicit instant (`serverNow`, usually the query's
 * evaluation time) and the client's first render uses the same value (`getServerSnapshot`),
 * so server and client HTML agree; right after hydration the client switches to its own clock.
 */
import { useSyncExternalStore } from "react";

const TICK_MS = 15_000;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    for (const l of listeners) l();
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

// Bucketed so consecutive reads within a tick return the same value (a stable snapshot).
const getSnapshot = () => Math.floor(Date.now() / TICK_MS) * TICK_MS;

/** The current time in ms: `serverNow` during server render and hydration, then the client clock. */
export function useNow(serverNow: number | string): number {
  const fallback = typeof serverNow === "number" ? serverNow : Date.parse(serverNow);
  return useSyncExternalStore(subscribe, getSnapshot, () => fallback);
}
