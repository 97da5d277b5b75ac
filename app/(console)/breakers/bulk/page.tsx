import type { Metadata } from "next";
import Link from "next/link";

import { CAN } from "@/lib/auth/roles";
import { getSessionActor } from "@/lib/auth/session";
import { addDays } from "@/lib/completeness/dates";
import { PROCESSOR_NAMES } from "@/lib/completeness/processors";
import { SKIP_REASONS } from "@/lib/completeness/readiness";
import { getDataAsOf } from "@/lib/data/monitoring";

import { BulkOverride } from "./_components/bulk-override";
import { breakersHref } from "@/lib/links";

export const metadata: Metadata = { title: "Bulk override" };
export const dynamic = "force-dynamic";

/** The default range: the 14 days ending at the data-as-of date (an outage is usually recent). */
const DEFAULT_DAYS = 14;

/**
 * A skip because the breaker is active is not an attempt and writes no breaker row (readiness
 * `decide`, rule 1), so no active key carries it: offering it as a filter would select nothing.
 */
const BREAKER_SKIP_REASONS = SKIP_REASONS.filter((r) => r !== "circuit_breaker_active");

/**
 * Bulk override after an outage (operators and admins). The page only hides the form from other
 * roles; the preview and apply actions check the session's role themselves.
 */
export default async function BulkOverridePage() {
  const actor = await getSessionActor();
  const allowed = actor !== null && CAN.override(actor.role);
  return (
    <>
      <header className="page-head">
        <div className="page-title">
          <p className="small">
            <Link href={breakersHref()}>← Breakers</Link>
          </p>
          <h1>Bulk override</h1>
          <p className="lede">
            After an outage is backfilled: choose the active breakers by date, processor, skip reason or entity, preview exactly which keys
            change, then override that set at once — all of it or none, refused if it changed since the preview.
          </p>
        </div>
      </header>
      {allowed ? <BulkForm /> : <NotAllowed role={actor?.role ?? null} />}
    </>
  );
}

async function BulkForm() {
  const { as_of } = await getDataAsOf();
  // No output yet: the range ends yesterday (UTC), as the monitoring reads do.
  const to = as_of ?? addDays(new Date().toISOString().slice(0, 10), -1);
  return (
    <BulkOverride processors={PROCESSOR_NAMES} skipReasons={BREAKER_SKIP_REASONS} defaultFrom={addDays(to, -(DEFAULT_DAYS - 1))} defaultTo={to} />
  );
}

function NotAllowed({ role }: { role: string | null }) {
  return (
    <section className="panel" aria-labelledby="bulk-denied" data-testid="bulk-not-allowed">
      <h2 id="bulk-denied">Bulk override needs the operator role</h2>
      <p>
        {role ? <>You are signed in as a {role}. </> : null}
        Overriding breakers needs the operator or admin role. Ask an admin if you are on call; meanwhile the{" "}
        <Link href={breakersHref()}>active breakers</Link> and their history are all readable.
      </p>
    </section>
  );
}
