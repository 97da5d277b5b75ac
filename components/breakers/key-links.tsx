import Link from "next/link";

import { entityHref, timelineHref } from "@/lib/links";

/** A breaker key's cell: its entity page at the key's date, and under it the key's attempt timeline. */
export function KeyLinks({ processor, entity_id, analysis_date }: { processor: string; entity_id: string; analysis_date: string }) {
  return (
    <>
      <Link href={entityHref(entity_id, analysis_date)}>{entity_id}</Link>
      <Link className="cell-sub" href={timelineHref(processor, entity_id, analysis_date)} aria-label={`Timeline of ${processor} ${entity_id} ${analysis_date}`}>
        timeline
      </Link>
    </>
  );
}
