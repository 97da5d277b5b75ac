"use client";

import Link from "next/link";
import { useId } from "react";

import { PROCESSORS } from "@/lib/completeness/processors";
import type { MonitoringParams } from "@/lib/monitoring/schemas";
import { formatCode, formatCount, formatDate, formatPct } from "@/lib/format";
import { breakerListUrl } from "@/lib/monitoring/lists";
import { useUrlState } from "@/lib/use-url-state";
import { ProcessorLabel } from "@/components/ui/processor-label";

import { CsvLink } from "@/components/ui/csv-button";
import { ClearFilters, SearchFilter, SelectFilter } from "@/components/ui/filters";
import { entityHref, timelineHref } from "@/lib/links";
import { fetchBreakerList, monitoringKeys, usePanelQuery } from "@/lib/monitoring/query";
import { Pagination } from "@/components/ui/pagination";
import { EmptyState, Panel } from "@/components/ui/panel";
import { PanelStatus, ReadStamp } from "@/components/ui/panel-status";
import { BREAKER_EVENT_ORDER, EVENT_STYLE, attemptLabel } from "@/components/ui/status";
import { UtcTime } from "@/components/ui/time";

import { EventBadge } from "./event-badge";
import { type HistoryState, type HistoryView, type KeyTimeline, buildHistoryView, historyQuery } from "./history-view";
import { OverHundredFlag } from "@/components/ui/over-hundred-flag";

const PROCESSOR_OPTIONS = PROCESSORS.map((p) => ({ value: p.name, label: p.name }));
const SORT_OPTIONS = [
  { value: "latest:desc", label: "Latest event, newest first" },
  { value: "latest:asc", label: "Latest event, oldest first" },
  { value: "analysis_date:desc", label: "Analysis date, newest first" },
  { value: "analysis_date:asc", label: "Analysis date, oldest first" },
  { value: "events:desc", label: "Most events first" },
  { value: "entity_id:asc", label: "Entity, A–Z" },
  { value: "processor:asc", label: "Processor, A–Z" },
];

function SortSelect({ state }: { state: HistoryState }) {
  const id = useId();
  const { update } = useUrlState();
  const value = `${state.sort}:${state.desc ? "desc" : "asc"}`;
  return (
    <div className="field">
      <label htmlFor={id}>Sort keys by</label>
      <select
        id={id}
        value={value}
        onChange={(e) => {
          const [sort, dir] = e.target.value.split(":");
          update(sort === "latest" && dir === "desc" ? { sort: null, dir: null } : { sort, dir });
        }}
      >
        {SORT_OPTIONS.some((o) => o.value === value) ? null : <option value={value}>{value}</option>}
        {SORT_OPTIONS.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function Timeline({ timeline, now, single }: { timeline: KeyTimeline; now: string; single: boolean }) {
  const { processor, entity_id, analysis_date, events } = timeline;
  return (
    <li className="key" data-testid="key-timeline">
      <div className="key-head">
        <h3 className="key-title">
          <ProcessorLabel name={processor} /> · <Link href={entityHref(entity_id, analysis_date)}>{entity_id}</Link> ·{" "}
          {formatDate(analysis_date)}
        </h3>
        <span className="muted">
          {events.length} {events.length === 1 ? "event" : "events"}
          {single ? null : (
            <>
              {" · "}
              <Link href={timelineHref(processor, entity_id, analysis_date)} aria-label={`Only the timeline of ${processor} ${entity_id} ${analysis_date}`}>
                only this key
              </Link>
            </>
          )}
        </span>
      </div>
      <ol className="timeline">
        {events.map((e, i) => (
          <li key={`${e.attempted_at}-${e.attempt_number}-${i}`} className={`event ev-${e.event}`}>
            <EventBadge event={e.event} />
            <span className="event-when">
              <UtcTime value={e.attempted_at} serverNow={now} />
            </span>
            <span className="event-detail">
              {attemptLabel(e.event, e.attempt_number)}
              {e.completeness_pct !== null ? ` · ${formatPct(e.completeness_pct)} complete` : null}
              <OverHundredFlag pct={e.completeness_pct} />
              {e.skip_reason ? ` · ${formatCode(e.skip_reason)}` : null}
              {e.actor ? ` · by ${e.actor}` : null}
            </span>
            {e.notes ? <span className="event-notes">{e.notes}</span> : null}
          </li>
        ))}
      </ol>
    </li>
  );
}

/** The attempt history: one timeline per key, events told apart by word and glyph. */
export function HistoryPanel({ initial, state, params }: { initial: HistoryView; state: HistoryState; params: MonitoringParams }) {
  const query = usePanelQuery(monitoringKeys.panel("breaker-history", { ...state, ...params }), initial, async (signal) =>
    // One page of keys with their rows, grouped, filtered and sorted by the server.
    buildHistoryView(await fetchBreakerList("breaker-history", historyQuery(state), params, signal), state),
  );
  const view = query.data;
  const single = view.singleKey && view.keys.length === 1 ? view.keys[0] : undefined;
  const title = single ? `Timeline of ${single.processor} · ${single.entity_id} · ${single.analysis_date}` : "Breaker history (30 days)";

  return (
    <Panel
      id="breaker-history"
      title={title}
      testId="history-panel"
      actions={
        <>
          <ReadStamp meta={view.meta} />
          <CsvLink
            filename={`breaker-history_${view.meta.now.slice(0, 10)}.csv`}
            count={view.totalEvents}
            href={breakerListUrl("breaker-history", { ...historyQuery(state), page: undefined, page_size: undefined }, { as_of: view.meta.as_of, now: view.meta.now }, "csv")}
          />
        </>
      }
    >
      <PanelStatus meta={view.meta} refreshError={query.refreshError} />
      <p className="legend-line" aria-label="Event legend">
        {BREAKER_EVENT_ORDER.map((e) => (
          <span key={e} className={`legend-item tone-${EVENT_STYLE[e].tone}`}>
            <span aria-hidden="true">{EVENT_STYLE[e].glyph}</span> {EVENT_STYLE[e].word}: {EVENT_STYLE[e].description}
          </span>
        ))}
      </p>
      <div className="filters">
        <SelectFilter param="processor" label="Processor" value={state.processor.join(",") || undefined} options={PROCESSOR_OPTIONS} allLabel="All processors" />
        <SelectFilter
          param="event"
          label="Event"
          value={state.event}
          options={BREAKER_EVENT_ORDER.map((e) => {
            const n = view.facets.events.find((f) => f.value === e)?.count ?? 0;
            return { value: e, label: `${EVENT_STYLE[e].word} (${formatCount(n)})` };
          })}
          allLabel="Any event"
        />
        <SearchFilter param="q" label="Entity contains" value={state.q} placeholder="e.g. lebron" />
        {state.entity ? (
          <p className="chip">
            Entity <strong>{state.entity}</strong>
          </p>
        ) : null}
        {state.date ? (
          <p className="chip">
            Analysis date <strong>{formatDate(state.date)}</strong>
          </p>
        ) : null}
        <SortSelect state={state} />
        <ClearFilters params={["processor", "event", "q", "entity", "date"]} />
      </div>
      {view.keys.length === 0 ? (
        <EmptyState>
          {view.all === 0 ? "No breaker activity in the last 30 days." : "No key's history matches these filters in the last 30 days."}
        </EmptyState>
      ) : (
        <ol className="keys" aria-label="Keys">
          {view.keys.map((k) => (
            <Timeline key={`${k.processor}|${k.entity_id}|${k.analysis_date}`} timeline={k} now={view.meta.now} single={Boolean(single)} />
          ))}
        </ol>
      )}
      <Pagination page={view.page} pageSize={view.pageSize} total={view.total} noun="keys" />
    </Panel>
  );
}
