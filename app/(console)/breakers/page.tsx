import type { Metadata } from "next";
import { Suspense } from "react";

import { CAN } from "@/lib/auth/roles";
import { getSessionActor } from "@/lib/auth/session";
import { readIncident, readIncidents } from "@/lib/data/incidents";
import { getBreakerHistoryPage, getMonitoring } from "@/lib/data/monitoring";
import { getActiveBreakersPage } from "@/lib/data/verdicts";
import { lastPage } from "@/lib/paging";
import { getAboutToTrip } from "@/lib/data/about-to-trip";
import { type BreakerTab, type BreakersSearch, type RawSearchParams, breakersSearchSchema, hrefFor, parseSearchParams } from "@/lib/url-state";

import { ActiveBreakersPanel } from "./_components/active-breakers-panel";
import { activeQuery, activeStateFrom, buildActiveView } from "./_components/active-view";
import { AboutToTripPanel } from "./_components/about-to-trip-panel";
import { sortAboutToTrip } from "./_components/about-to-trip-view";
import { HistoryPanel } from "./_components/history-panel";
import { IncidentGroupsPanel } from "./_components/incident-groups-panel";
import { buildHistoryView, historyQuery, historyStateFrom } from "./_components/history-view";
import { PatternsPanel } from "./_components/patterns-panel";
import { buildPatternsView, patternsStateFrom } from "./_components/patterns-view";
import { DataPageHeader } from "@/components/layout/data-as-of";
import { PanelSkeleton } from "@/components/ui/panel";
import { PanelBoundary } from "@/components/ui/panel-boundary";
import { TabLinks } from "@/components/ui/tab-links";

export const metadata: Metadata = { title: "Breakers" };
export const dynamic = "force-dynamic";

const TABS: { tab: BreakerTab; label: string }[] = [
  { tab: "active", label: "Active" },
  { tab: "about-to-trip", label: "About to trip" },
  { tab: "history", label: "History" },
  { tab: "patterns", label: "Patterns" },
];

/** Evaluation points a link pinned (alerts may pin `now`, so the list is the one they counted). */
function pins(search: BreakersSearch) {
  return { as_of: search.as_of, now: search.now };
}

/** What the signed-in role may do here; it only decides which controls show (the actions check again). */
interface Abilities {
  canOverride: boolean;
}

async function Active({ search, can }: { search: BreakersSearch; can: Abilities }) {
  const state = activeStateFrom(search);
  if (search.group === "incident") return <ActiveByIncident search={search} />;
  // One page, read filtered and sorted from the warehouse; past the last page, the last page.
  let result = await getActiveBreakersPage(activeQuery(state), pins(search));
  const last = lastPage(result.total, result.page_size);
  if (result.rows.length === 0 && state.page > last) result = await getActiveBreakersPage(activeQuery(state, last), pins(search));
  return <ActiveBreakersPanel initial={buildActiveView(result, state)} state={state} params={pins(search)} canOverride={can.canOverride} />;
}

/** The active keys grouped by the open incidents that hold them (each incident read once, cached). */
async function ActiveByIncident({ search }: { search: BreakersSearch }) {
  const at = { asOf: search.as_of, now: search.now };
  const [result, read] = await Promise.all([getMonitoring("active-breakers", pins(search)), readIncidents(at)]);
  const open = read.incidents.filter((i) => i.status === "open");
  const details = (await Promise.all(open.map((i) => readIncident(i.id, at)))).flatMap((d) => (d ? [d] : []));
  return <IncidentGroupsPanel rows={result.rows} incidents={details} pins={pins(search)} />;
}

async function AboutToTrip({ search }: { search: BreakersSearch }) {
  const read = await getAboutToTrip({ now: search.now });
  const { rows, sort } = sortAboutToTrip(read.rows, search);
  return <AboutToTripPanel rows={rows} now={read.now} sort={sort} />;
}

async function History({ search }: { search: BreakersSearch }) {
  const state = historyStateFrom(search);
  let result = await getBreakerHistoryPage(historyQuery(state), pins(search));
  const last = lastPage(result.total, result.page_size);
  if (result.rows.length === 0 && state.page > last) result = await getBreakerHistoryPage(historyQuery(state, last), pins(search));
  return <HistoryPanel initial={buildHistoryView(result, state)} state={state} params={pins(search)} />;
}

async function Patterns({ search }: { search: BreakersSearch }) {
  const state = patternsStateFrom(search);
  const result = await getMonitoring("patterns", pins(search));
  return <PatternsPanel initial={buildPatternsView(result, state)} state={state} params={pins(search)} />;
}

const PANELS: Record<BreakerTab, { title: string; height: number; render: (search: BreakersSearch, can: Abilities) => React.ReactNode }> = {
  active: { title: "Active breakers", height: 3780, render: (s, can) => <Active search={s} can={can} /> },
  "about-to-trip": { title: "About to trip", height: 900, render: (s) => <AboutToTrip search={s} /> },
  history: { title: "Breaker history (30 days)", height: 2800, render: (s) => <History search={s} /> },
  patterns: { title: "Reprocessing patterns (7 days)", height: 630, render: (s) => <Patterns search={s} /> },
};

export default async function BreakersPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const [search, actor] = await Promise.all([searchParams.then((raw) => parseSearchParams(breakersSearchSchema, raw)), getSessionActor()]);
  const can: Abilities = { canOverride: actor !== null && CAN.override(actor.role) };
  const panel = PANELS[search.tab];
  // Switching views keeps the processor filter and the pinned evaluation points.
  const keep = { processor: search.processor, as_of: search.as_of, now: search.now };
  return (
    <>
      <DataPageHeader
        title="Breakers"
        lede="Circuit breakers: the keys skipped now, every attempt of the last 30 days per key, and where reprocessing keeps failing."
        pinned={search.as_of}
      />
      <TabLinks
        label="Breaker views"
        items={TABS.map((t) => ({
          href: hrefFor("/breakers", { ...keep, tab: t.tab === "active" ? undefined : t.tab }),
          label: t.label,
          current: t.tab === search.tab,
          testId: `tab-${t.tab}`,
        }))}
      />
      {search.tab === "active" ? (
        <TabLinks
          label="Active breakers shown"
          items={[
            { href: hrefFor("/breakers", { ...keep }), label: "Every key", current: search.group !== "incident", testId: "group-none" },
            { href: hrefFor("/breakers", { ...keep, group: "incident" }), label: "Grouped by incident", current: search.group === "incident", testId: "group-incident" },
          ]}
        />
      ) : null}
      <PanelBoundary id={search.tab} title={panel.title} minHeight={panel.height}>
        <Suspense key={`${search.tab}|${search.group ?? ""}`} fallback={<PanelSkeleton id={search.tab} title={panel.title} minHeight={panel.height} lines={14} />}>
          {panel.render(search, can)}
        </Suspense>
      </PanelBoundary>
    </>
  );
}
