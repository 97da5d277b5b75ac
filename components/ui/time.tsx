"use client";

import { formatCountdown, formatRelative, formatUtc } from "@/lib/format";

import { useNow } from "@/lib/use-now";

/**
 * An instant shown in UTC with its relative time: "2026-11-25 04:00 UTC · 21 h ago". The
 * relative part follows the clock (see `useNow`); `serverNow` is the instant the server
 * rendered against.
 */
export function UtcTime({
  value,
  serverNow,
  relativeOnly = false,
  stacked = false,
}: {
  value: string;
  serverNow: string | number;
  relativeOnly?: boolean;
  /** Two lines (stamp, then relative time), for table cells. */
  stacked?: boolean;
}) {
  const now = useNow(serverNow);
  const utc = formatUtc(value);
  const relative = formatRelative(value, now);
  if (stacked) {
    return (
      <time dateTime={value} className="stacked-time">
        <span>{utc}</span>
        {relative ? <span className="muted">{relative}</span> : null}
      </time>
    );
  }
  return (
    <time dateTime={value} title={utc}>
      {relativeOnly ? relative : relative ? `${utc} · ${relative}` : utc}
    </time>
  );
}

/** A cooldown counting down to `until`, once a minute: "6 d 23 h left", then "expired". */
export function Countdown({ until, serverNow }: { until: string; serverNow: string | number }) {
  const now = useNow(serverNow);
  return (
    <time dateTime={until} title={`until ${formatUtc(until)}`}>
      {formatCountdown(until, now)}
    </time>
  );
}
