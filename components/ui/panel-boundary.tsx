"use client";

import { type ErrorInfo, catchError } from "next/error";

/**
 * One panel's error boundary: a panel that fails shows a clear message in its own room and the
 * other panels render. Server errors reach the client without their message in production (on
 * purpose: no warehouse detail leaks), so the message here says what failed and offers a retry;
 * the digest matches the server log line.
 */
function PanelErrorFallback(
  { id, title, minHeight }: { id: string; title: string; minHeight?: number },
  { error, retry }: ErrorInfo,
) {
  const digest = error && typeof error === "object" && "digest" in error ? String(error.digest) : undefined;
  return (
    <section className="panel panel-error" aria-labelledby={`${id}-title`} style={minHeight ? { minHeight } : undefined} data-testid={`${id}-error`}>
      <div className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
      </div>
      <p className="notice bad">
        <span aria-hidden="true">✕ </span>
        This panel could not be loaded: reading its data failed (the warehouse may be down). The rest of the page is unaffected.
        {digest ? <span className="muted"> (error reference {digest})</span> : null}
      </p>
      <button type="button" className="button" onClick={() => retry()}>
        Try again
      </button>
    </section>
  );
}

export const PanelBoundary = catchError(PanelErrorFallback);
