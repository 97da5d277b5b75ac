/**
 * The columns that open a table of keys (processor, entity, …): the same id, header and
 * sorting in every table, whatever the entity cell links to.
 */
import type { ColumnDef } from "@tanstack/react-table";
import type { ReactNode } from "react";

import { ProcessorLabel } from "./processor-label";

/** A table's Processor column: sortable by name, shown by the registry's short label. */
export function processorColumn<Row extends { processor: string }>(): ColumnDef<Row, unknown> {
  return {
    id: "processor",
    accessorKey: "processor",
    header: "Processor",
    cell: (c) => <ProcessorLabel name={c.row.original.processor} short />,
  } as ColumnDef<Row, unknown>;
}

/** A table's Entity column, the row's header: sortable by id, its cell drawn by `cell`. */
export function entityColumn<Row extends { entity_id: string }>(cell: (row: Row) => ReactNode): ColumnDef<Row, unknown> {
  return {
    id: "entity_id",
    accessorKey: "entity_id",
    header: "Entity",
    meta: { rowHeader: true },
    cell: (c) => cell(c.row.original),
  } as ColumnDef<Row, unknown>;
}
