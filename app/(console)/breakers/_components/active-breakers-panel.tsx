"use client";

import { useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo, useRef, useState } from "react";

import { PROCESSORS } from "@/lib/completeness/processors";
import type { MonitoringParams } from "@/lib/monitoring/schemas";
import { formatCode, formatCount, formatDate, formatPct, formatUtc } from "@/lib/format";
import { breakerListUrl } from "@/lib/monitoring/lists";

import { OverrideDialog, overrideKeyOf } from "./override-dialog";
import type { OverrideTarget } from "@/components/overrides/override-form";
import { CsvLink } from "@/components/ui/csv-button";
import { DataTable } from "@/components/ui/data-table";
import { ClearFilters, SearchFilter, SelectFilter } from "@/components/ui/filters";
import { breakerKeyColumns } from "@/components/breakers/key-links";
import { fetchBreakerList, monitoringKeys, usePanelQuery } from "@/lib/monitoring/query";
import { Pagination } from "@/components/ui/pagination";
import { Panel } from "@/components/ui/panel";
import { PanelStatus, ReadStamp } from "@/components/ui/panel-status";
import { Countdown, UtcTime } from "@/components/ui/time";

import { type ActiveRow, type ActiveState, type ActiveView, activeHeading, activeQuery, buildActiveView } from "./active-view";
import { VerdictBadge } from "./verdict-badge";
import { OverHundredFlag } from "@/components/ui/over-hundred-flag";

const SAFE_OPTIONS = [
  { value: "yes", label: "Safe to override" },
  { value: "no", label: "Not safe yet" },
];

const PROCESSOR_OPTIONS = PROCESSORS.map((p) => ({ value: p.name, label: p.name }));

function targetOf(r: ActiveRow): OverrideTarget {
  return { processor: r.processor, entity_id: r.entity_id, analysis_date: r.analysis_date, status: "active", until: r.breaker_until, attempts: r.attempt_number };
}

/**
 * The active circuit breakers: filters, sortable table, live cooldowns, CSV. With `canOverride`
 * (the session's role, decided on the server; it only shows controls, the action checks the
 * role again) each row gets an Override button opening the override form in a dialog.
 */
export function ActiveBreakersPanel({
  initial,
  state,
  params,
  canOverride = false,
}: {
  initial: ActiveView;
  state: ActiveState;
  params: MonitoringParams;
  canOverride?: boolean;
}) {
  const query = usePanelQuery(monitoringKeys.panel("active-breakers", { ...state, ...params }), initial, async (signal) =>
    // One page, filtered and sorted by the server; its rows carry each key's verdict.
    buildActiveView(await fetchBreakerList("active-breakers", activeQuery(state), params, signal), state),
  );
  const view = query.data;
  const queryClient = useQueryClient();
  const now = view.meta.now;

  // The key whose override form is open, the button that opened it (focus goes back there), and
  // the keys overridden here: they leave the table at once, before the refetch confirms it.
  const [target, setTarget] = useState<OverrideTarget | null>(null);
  const opener = useRef<{ button: HTMLButtonElement; index: number } | null>(null);
  const [overridden, setOverridden] = useState<ReadonlySet<string>>(() => new Set());
  const tableRef = useRef<HTMLDivElement>(null);
  const rows = overridden.size ? view.rows.filter((r) => !overridden.has(overrideKeyOf(r))) : view.rows;
  const gone = view.rows.length - rows.length;

  const columns = useMemo<ColumnDef<ActiveRow, unknown>[]>(
    () => [
      ...breakerKeyColumns<ActiveRow>(),
      { id: "analysis_date", accessorKey: "analysis_date", header: "Analysis date", meta: { descFirst: true, nowrap: true }, cell: (c) => formatDate(c.row.original.analysis_date) },
      { id: "attempt_number", accessorKey: "attempt_number", header: "Attempts", meta: { numeric: true, descFirst: true } },
      { id: "completeness_pct", accessorKey: "completeness_pct", header: "Completeness", meta: { numeric: true }, cell: (c) => (
        <>
          {formatPct(c.row.original.completeness_pct)}
          <OverHundredFlag pct={c.row.original.completeness_pct} />
        </>
      ) },
      { id: "skip_reason", accessorKey: "skip_reason", header: "Skip reason", cell: (c) => formatCode(c.row.original.skip_reason) },
      {
        id: "verdict",
        accessorFn: (r) => r.verdict?.text ?? "",
        header: "Verdict now",
        cell: (c) => <VerdictBadge verdict={c.row.original.verdict} />,
      },
      {
        id: "tripped_at",
        accessorKey: "tripped_at",
        header: "Tripped",
        meta: { descFirst: true },
        cell: (c) => <UtcTime value={c.row.original.tripped_at} serverNow={now} stacked />,
      },
      {
        id: "breaker_until",
        accessorKey: "breaker_until",
        header: "Cooldown",
        cell: (c) => (
          <span className="cooldown" title={`until ${formatUtc(c.row.original.breaker_until)}`}>
            <Countdown until={c.row.original.breaker_until} serverNow={now} />
          </span>
        ),
      },
      ...(canOverride
        ? [
            {
              id: "actions",
              header: () => <span className="visually-hidden">Actions</span>,
              enableSorting: false,
              // Pinned to the right edge: long entity ids can make the table scroll sideways.
              meta: { className: "actions" },
              cell: (c) => {
                const r = c.row.original;
                return (
                  <button
                    type="button"
                    className="button compact"
                    aria-haspopup="dialog"
                    onClick={(event) => {
                      opener.current = { button: event.currentTarget, index: c.row.index };
                      setTarget(targetOf(r));
                    }}
                  >
                    Override<span className="visually-hidden"> {r.entity_id} {r.analysis_date} {r.processor}</span>
                  </button>
                );
              },
            } satisfies ColumnDef<ActiveRow, unknown>,
          ]
        : []),
    ],
    [now, canOverride],
  );

  function closeDialog() {
    setTarget(null);
    const from = opener.current;
    opener.current = null;
    if (!from) return;
    if (from.button.isConnected) {
      from.button.focus();
      return;
    }
    // The overridden row has left the table: focus the Override button now in its place (the
    // next row), else the panel's heading.
    const buttons = tableRef.current?.querySelectorAll<HTMLButtonElement>("tbody button[aria-haspopup='dialog']");
    const next = buttons?.[Math.min(from.index, buttons.length - 1)];
    if (next) next.focus();
    else document.getElementById("active-breakers-title-text")?.focus();
  }

  return (
    <Panel
      id="active-breakers"
      title={
        <span tabIndex={-1} id="active-breakers-title-text">
          {activeHeading(view.total - gone, view.all - gone, view.filtered, formatCount)}
        </span>
      }
      testId="active-breakers-panel"
      actions={
        <>
          <ReadStamp meta={view.meta} />
          {canOverride ? (
            <Link className="button" href="/breakers/bulk">
              Bulk override…
            </Link>
          ) : null}
          <CsvLink
            filename={`active-breakers_${view.meta.as_of}.csv`}
            count={view.total}
            href={breakerListUrl("active-breakers", { ...activeQuery(state), page: undefined, page_size: undefined }, { as_of: view.meta.as_of, now: view.meta.now }, "csv")}
          />
        </>
      }
    >
      <PanelStatus meta={view.meta} refreshError={query.refreshError} />
      {view.verdictError ? (
        <p className="muted" data-testid="verdict-error">
          The live recheck could not be made ({view.verdictError}): verdicts are not shown.
        </p>
      ) : null}
      <div className="filters">
        <SelectFilter param="processor" label="Processor" value={state.processor.join(",") || undefined} options={PROCESSOR_OPTIONS} allLabel="All processors" />
        <SelectFilter
          param="date"
          label="Analysis date"
          value={state.date}
          options={view.facets.dates.map((f) => ({ value: f.value, label: `${f.value} (${f.count})` }))}
          allLabel="All dates"
        />
        <SelectFilter
          param="reason"
          label="Skip reason"
          value={state.reason}
          options={view.facets.reasons.map((f) => ({ value: f.value, label: `${formatCode(f.value)} (${f.count})` }))}
          allLabel="All reasons"
        />
        <SelectFilter param="safe" label="Verdict" value={state.safe} options={SAFE_OPTIONS} allLabel={`Any verdict (${formatCount(view.safe)} safe)`} />
        <SearchFilter param="q" label="Entity" value={state.q} placeholder="e.g. lebronjames" />
        <ClearFilters params={["processor", "date", "reason", "q", "safe"]} />
      </div>
      <div ref={tableRef}>
        <DataTable
          rows={rows}
          columns={columns}
          sort={{ id: state.sort, desc: state.desc }}
          caption="Active circuit breakers"
          getRowId={(r) => `${r.processor}|${r.entity_id}|${r.analysis_date}`}
          empty={view.all === 0 ? "No circuit breaker is active." : "No active breaker matches these filters."}
          testId="active-breakers-table"
        />
      </div>
      <Pagination page={view.page} pageSize={view.pageSize} total={view.total - gone} />
      {canOverride ? (
        <OverrideDialog
          target={target}
          onClose={closeDialog}
          onOverridden={(t) => {
            setOverridden((prev) => new Set(prev).add(overrideKeyOf(t)));
            // Every monitoring panel on the page reads again (counts, history); the action has
            // already revalidated the server-rendered pages.
            void queryClient.invalidateQueries({ queryKey: monitoringKeys.all });
          }}
        />
      ) : null}
    </Panel>
  );
}
