"use client";

import Link from "next/link";

/**
 * What the entity page shows when its read fails as a whole (the warehouse unreachable, say).
 * Per-processor failures never get here: they are shown inside their sections. In production
 * Next.js replaces server error messages with a digest, so nothing internal leaks.
 */
export default function EntityError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <>
      <h1>Entity</h1>
      <section className="panel" aria-labelledby="entity-error-heading">
        <h2 id="entity-error-heading">The entity could not be read</h2>
        <p>{error.message || "The warehouse did not answer."}</p>
        {error.digest ? <p>Reference: {error.digest}</p> : null}
        <p>
          <button type="button" onClick={reset}>
            Try again
          </button>{" "}
          or go back to <Link href="/entities">Entities</Link>.
        </p>
      </section>
    </>
  );
}
