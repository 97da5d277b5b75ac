"use client";

import { useState } from "react";

import { formatCount } from "@/lib/format";

/**
 * Exports a table as CSV, built in the browser (RFC 4180, formula-safe: `lib/format.ts`).
 * `load` returns the CSV of every row the table's filters select, in its order — not only the
 * page on screen — and the label says how many rows that is.
 */
export function CsvButton({ filename, count, load }: { filename: string; count: number; load: () => Promise<string> }) {
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  async function run() {
    setState({ busy: true });
    try {
      const csv = await load();
      const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1_000);
      setState({ busy: false });
    } catch (error) {
      setState({ busy: false, error: error instanceof Error ? error.message : "export failed" });
    }
  }
  return (
    <span className="csv">
      <button type="button" className="button" onClick={() => void run()} disabled={state.busy || count === 0} data-testid="csv-export">
        <span aria-hidden="true">⤓ </span>
        {state.busy ? "Exporting…" : `Export CSV (${formatCount(count)} ${count === 1 ? "row" : "rows"})`}
      </button>
      {state.error ? <span className="notice-inline bad">Export failed: {state.error}</span> : null}
    </span>
  );
}

/**
 * Exports a table as CSV streamed by the server (`href`: the list API with `format=csv`, its
 * filters, sort and evaluation point pinned): the browser downloads it as it arrives, so however
 * long the list, neither the page nor the server holds it whole. The label says how many rows.
 */
export function CsvLink({ href, filename, count }: { href: string; filename: string; count: number }) {
  const label = `Export CSV (${formatCount(count)} ${count === 1 ? "row" : "rows"})`;
  return (
    <span className="csv">
      {count === 0 ? (
        <button type="button" className="button" disabled data-testid="csv-export">
          <span aria-hidden="true">⤓ </span>
          {label}
        </button>
      ) : (
        <a className="button" href={href} download={filename} data-testid="csv-export">
          <span aria-hidden="true">⤓ </span>
          {label}
        </a>
      )}
    </span>
  );
}
