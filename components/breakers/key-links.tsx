import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";

import { entityHref, timelineHref } from "@/lib/links";
import { entityColumn, processorColumn } from "@/components/ui/key-columns";

export interface BreakerKey {
  processor: string;
  entity_id: string;
  analysis_date: string;
}

/** A breaker key's cell: its entity page at the key's date, and under it the key's attempt timeline. */
export function KeyLinks({ processor, entity_id, analysis_date }: BreakerKey) {
  return (
    <>
      <Link href={entityHref(entity_id, analysis_date)}>{entity_id}</Link>
      <Link className="cell-sub" href={timelineHref(processor, entity_id, analysis_date)} aria-label={`Timeline of ${processor} ${entity_id} ${analysis_date}`}>
        timeline
      </Link>
    </>
  );
}

/**
 * The first two columns of every table of breaker keys (active, about to trip, an incident's
 * keys): the processor, then the entity as the row's header with its page and timeline links.
 */
export function breakerKeyColumns<Row extends BreakerKey>(): ColumnDef<Row, unknown>[] {
  return [processorColumn<Row>(), entityColumn<Row>((row) => <KeyLinks {...row} />)];
}
