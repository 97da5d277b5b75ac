"use client";

import {
  type ColumnDef,
  type RowData,
  flexRender,
  getCoreRowModel,
  useReactTable,
} from "@tanstack/react-table";
import type { ReactNode } from "react";

import { useUrlState } from "@/lib/use-url-state";

declare module "@tanstack/react-table" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-aligned, tabular figures. */
    numeric?: boolean;
    /** This column's cells are the row's header (`<th scope="row">`). */
    rowHeader?: boolean;
    /** First click sorts descending (counts, percentages of badness…). */
    descFirst?: boolean;
    /** Never wrap (dates, figures). */
    nowrap?: boolean;
    /** Extra class of the column's header and cells (e.g. `actions`: pinned to the right edge). */
    className?: string;
  }
}

export interface SortState {
  id: string;
  desc: boolean;
}

/**
 * The console's table: our markup on react-table's headless model. Sorting is server-side
 * (the rows arrive sorted and paged for the URL's `sort`/`dir`), so a sort button changes the
 * URL and back/forward restore the order. Headers are `<th scope="col">` with `aria-sort`;
 * the sort control is a real button inside the header.
 */
export function DataTable<Row>({
  rows,
  columns,
  sort,
  caption,
  getRowId,
  empty,
  testId,
}: {
  rows: Row[];
  columns: ColumnDef<Row, unknown>[];
  sort?: SortState;
  caption: ReactNode;
  getRowId?: (row: Row, index: number) => string;
  empty?: ReactNode;
  testId?: string;
}) {
  const { update, pending } = useUrlState();
  // The React Compiler skips this component (react-table returns unmemoizable functions); it
  // passes nothing memoized downstream, so that costs nothing here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting: sort ? [sort] : [] },
    manualSorting: true,
    enableSortingRemoval: false,
    getCoreRowModel: getCoreRowModel(),
    getRowId,
  });

  function sortBy(id: string, descFirst: boolean) {
    const desc = sort?.id === id ? !sort.desc : descFirst;
    update({ sort: id, dir: desc ? "desc" : "asc" });
  }

  return (
    <div className="table-wrap" data-testid={testId} aria-busy={pending || undefined}>
      <table className="data">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta;
                const sortable = header.column.getCanSort();
                const active = sort?.id === header.column.id;
                const ariaSort = active ? (sort.desc ? "descending" : "ascending") : sortable ? "none" : undefined;
                const label = flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <th key={header.id} scope="col" aria-sort={ariaSort} className={[meta?.numeric ? "num" : "", meta?.className ?? ""].filter(Boolean).join(" ") || undefined}>
                    {sortable ? (
                      <button type="button" className="sort" onClick={() => sortBy(header.column.id, meta?.descFirst ?? false)}>
                        {label}
                        <span aria-hidden="true" className="sort-glyph">
                          {active ? (sort.desc ? "▼" : "▲") : "↕"}
                        </span>
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getVisibleCells().map((cell) => {
                const meta = cell.column.columnDef.meta;
                const content = flexRender(cell.column.columnDef.cell, cell.getContext());
                const className = [meta?.numeric ? "num" : "", meta?.nowrap || meta?.numeric ? "nowrap" : "", meta?.className ?? ""].filter(Boolean).join(" ") || undefined;
                return meta?.rowHeader ? (
                  <th key={cell.id} scope="row" className={className}>
                    {content}
                  </th>
                ) : (
                  <td key={cell.id} className={className}>
                    {content}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p className="empty">{empty ?? "No rows match."}</p> : null}
    </div>
  );
}
