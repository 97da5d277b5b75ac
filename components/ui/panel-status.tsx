"use client";

import { formatUtc } from "@/lib/format";

import type { PanelMeta } from "@/lib/monitoring/query";
import { UtcTime } from "./time";

/**
 * When the panel's data was read, and what is wrong with it if anything: a stale result (the
 * warehouse failing, older cached rows shown) or a failed client refresh (the last good rows
 * stay on screen).
 */
export function PanelStatus({ meta, refreshError }: { meta: PanelMeta; refreshError?: Error | null }) {
  return (
    <>
      {meta.stale ? (
        <p className="notice warn" data-testid="stale-notice">
          <span aria-hidden="true">▲ </span>
          Showing data from {formatUtc(meta.read_at)}, the warehouse is failing: {meta.error ?? "unknown error"}
        </p>
      ) : null}
      {refreshError ? (
        <p className="notice warn" data-testid="refresh-error">
          <span aria-hidden="true">▲ </span>
          Refresh failed ({refreshError.message}); showing data read {formatUtc(meta.read_at)}.
        </p>
      ) : null}
    </>
  );
}

/** "read 2026-11-26 14:05 UTC · 2 min ago" */
export function ReadStamp({ meta }: { meta: PanelMeta }) {
  return (
    <span className="read-stamp">
      read <UtcTime value={meta.read_at} serverNow={meta.now} />
    </span>
  );
}
