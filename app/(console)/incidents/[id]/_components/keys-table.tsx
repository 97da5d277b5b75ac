"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { useMemo } from "react";

import type { IncidentKey } from "@/lib/completeness/incidents";
import { formatDate } from "@/lib/format";

import { KEYS_PAGE_SIZE, OUTCOME_STYLE, type KeysState } from "@/components/incidents/incident-view";
import { DataTable } from "@/components/ui/data-table";
import { breakerKeyColumns } from "@/components/breakers/key-links";
import { Pagination } from "@/components/ui/pagination";
import { StatusBadge } from "@/components/ui/status-badge";

const STATE_STYLE = {
  active: { word: "Tripped", glyph: "⊘", tone: "bad" },
  half_open: { word: "Half-open", glyph: "◐", tone: "warn" },
  failing: { word: "Failing", glyph: "✕", tone: "warn" },
  closed: { word: "Closed", glyph: "✓", tone: "ok" },
} as const;

/**
 * One page of an incident's keys (sorted and paged on the server from the URL's `sort`, `dir`,
 * `page`): processor, entity (its page at the key's date), date, breaker state, whether the data
 * has recovered, what is still missing, and what the latest override led to.
 */
export function KeysTable({ rows, state, total }: { rows: IncidentKey[]; state: KeysState; total: number }) {
  const columns = useMemo<ColumnDef<IncidentKey, unknown>[]>(
    () => [
      ...breakerKeyColumns<IncidentKey>(),
      { id: "analysis_date", accessorKey: "analysis_date", header: "Date", meta: { nowrap: true }, cell: (c) => formatDate(c.row.original.analysis_date) },
      { id: "state", accessorKey: "state", header: "State", cell: (c) => <StatusBadge status={STATE_STYLE[c.row.original.state]} /> },
      {
        id: "recovered",
        accessorKey: "recovered",
        header: "Recovered",
        cell: (c) => {
          const r = c.row.original.recovered;
          return r === null ? <span className="muted">not checked</span> : r ? <StatusBadge status={{ word: "Yes", glyph: "✓", tone: "ok" }} /> : <StatusBadge status={{ word: "No", glyph: "✕", tone: "bad" }} />;
        },
      },
      { id: "still_missing", accessorKey: "still_missing", header: "Still missing", enableSorting: false, cell: (c) => c.row.original.still_missing ?? <span className="muted">—</span> },
      {
        id: "outcome",
        accessorKey: "outcome",
        header: "Override outcome",
        cell: (c) => {
          const o = c.row.original.outcome;
          return o ? <StatusBadge status={OUTCOME_STYLE[o]} /> : <span className="muted">not overridden</span>;
        },
      },
    ],
    [],
  );
  return (
    <>
      <DataTable
        rows={rows}
        columns={columns}
        sort={{ id: state.sort, desc: state.desc }}
        caption="The incident's breaker keys"
        getRowId={(k) => `${k.processor}|${k.entity_id}|${k.analysis_date}`}
        empty={state.recovered ? "No key of this incident matches the filter." : "This incident has no keys."}
        testId="incident-keys"
      />
      <Pagination page={state.page} pageSize={KEYS_PAGE_SIZE} total={total} noun="keys" />
    </>
  );
}
