import type { ReactNode } from "react";

/** A column heading: plain text, or a label with a key and `numeric` to right-align it. */
export type PlainColumn = string | { key: string; label: ReactNode; numeric?: boolean };

/**
 * A table drawn as is (no sorting or paging: DataTable does those), its caption for screen
 * readers only and one row of column headings. It scrolls inside `wrap` (the `table-wrap`
 * wrapper by default; `false` when the caller wraps it).
 */
export function PlainTable({
  caption,
  columns,
  children,
  className,
  wrap = "table-wrap",
  testId,
}: {
  caption: string;
  columns: readonly PlainColumn[];
  children: ReactNode;
  className?: string;
  wrap?: string | false;
  testId?: string;
}) {
  const table = (
    <table className={className} data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) =>
            typeof c === "string" ? (
              <th key={c} scope="col">
                {c}
              </th>
            ) : (
              <th key={c.key} scope="col" className={c.numeric ? "num" : undefined}>
                {c.label}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return wrap === false ? table : <div className={wrap}>{table}</div>;
}
