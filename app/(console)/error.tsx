"use client";

import { useEffect } from "react";

/**
 * A page that failed outside its panels (each panel has its own boundary and fails alone).
 * Server errors arrive without their message in production, on purpose: the digest matches
 * the server's log line.
 */
export default function ConsoleError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error && typeof error === "object" && "digest" in error ? String(error.digest) : undefined;
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <section className="panel panel-error" aria-labelledby="page-error-title" data-testid="page-error">
      <h1 id="page-error-title">This page could not be shown</h1>
      <p className="notice bad">
        <span aria-hidden="true">✕ </span>
        Something failed while reading the data for this page. Try again; if it keeps failing, the warehouse may be down — the health endpoint
        (<code>/api/health</code>) says so.
        {digest ? <span className="muted"> Error reference {digest}.</span> : null}
      </p>
      <button type="button" className="button" onClick={() => retry()}>
        Try again
      </button>
    </section>
  );
}
