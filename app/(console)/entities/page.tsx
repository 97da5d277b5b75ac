import type { Metadata } from "next";
import { Suspense } from "react";

import { entityListParamsOf, getEntityListPanel } from "@/lib/data/entity-lists";
import type { EntityListName } from "@/lib/monitoring/entity-lists";
import { type EntitiesSearch, type EntityView, type RawSearchParams, entitiesSearchSchema, hrefFor, parseSearchParams } from "@/lib/url-state";

import { DataPageHeader } from "@/components/layout/data-as-of";
import { PanelSkeleton } from "@/components/ui/panel";
import { PanelBoundary } from "@/components/ui/panel-boundary";
import { TabLinks } from "@/components/ui/tab-links";

import { BelowThresholdPanel } from "./_components/below-threshold-panel";
import { belowRequest, belowStateFrom, belowViewOf } from "./_components/below-threshold-view";
import { BootstrapPanel } from "./_components/bootstrap-panel";
import { bootstrapRequest, bootstrapStateFrom, bootstrapViewOf } from "./_components/bootstrap-view";
import { EntitySearch } from "./_components/entity-search";
import { MultiWindowPanel } from "./_components/multi-window-panel";
import { type ListRequest } from "./_components/entity-list-meta";
import { windowRequest, windowStateFrom, windowViewOf } from "./_components/multi-window-view";

export const metadata: Metadata = { title: "Entities" };
export const dynamic = "force-dynamic";

const VIEWS: { view: EntityView; label: string; title: string; height: number }[] = [
  { view: "below-threshold", label: "Below threshold", title: "Below threshold", height: 1825 },
  { view: "multi-window", label: "Multi-window", title: "Incomplete windows", height: 2880 },
  { view: "bootstrap", label: "Bootstrap", title: "Bootstrap records this season", height: 1175 },
];

/** A panel's request as the list's parameters (the panels' states only hold what the schemas accept). */
function listParams<N extends EntityListName>(name: N, request: ListRequest) {
  return entityListParamsOf(name, { ...request, processor: request.processor?.join(",") });
}

async function Below({ search }: { search: EntitiesSearch }) {
  const state = belowStateFrom(search);
  const result = await getEntityListPanel("below-threshold", { as_of: search.as_of }, listParams("below-threshold", belowRequest(state)));
  return <BelowThresholdPanel initial={belowViewOf(result)} state={state} />;
}

async function MultiWindow({ search }: { search: EntitiesSearch }) {
  const state = windowStateFrom(search);
  const result = await getEntityListPanel("multi-window", { as_of: search.as_of }, listParams("multi-window", windowRequest(state)));
  return <MultiWindowPanel initial={windowViewOf(result)} state={state} />;
}

async function Bootstrap({ search }: { search: EntitiesSearch }) {
  const state = bootstrapStateFrom(search);
  const result = await getEntityListPanel("bootstrap", { as_of: search.as_of }, listParams("bootstrap", bootstrapRequest(state)));
  return <BootstrapPanel initial={bootstrapViewOf(result)} state={state} />;
}

export default async function EntitiesPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const search = parseSearchParams(entitiesSearchSchema, await searchParams);
  const current = VIEWS.find((v) => v.view === search.view)!;
  const keep = { processor: search.processor, as_of: search.as_of };
  return (
    <>
      <DataPageHeader
        title="Entities"
        lede="Teams, players and team-games: who is below threshold on the data-as-of date, whose windows are incomplete, and the season's bootstrap records."
        pinned={search.as_of}
      />
      <EntitySearch date={search.as_of} />
      <TabLinks
        label="Entity views"
        items={VIEWS.map((v) => ({
          href: hrefFor("/entities", { ...keep, view: v.view === "below-threshold" ? undefined : v.view }),
          label: v.label,
          current: v.view === search.view,
          testId: `view-${v.view}`,
        }))}
      />
      <PanelBoundary id={current.view} title={current.title} minHeight={current.height}>
        <Suspense key={current.view} fallback={<PanelSkeleton id={current.view} title={current.title} minHeight={current.height} lines={14} />}>
          {search.view === "below-threshold" ? (
            <Below search={search} />
          ) : search.view === "multi-window" ? (
            <MultiWindow search={search} />
          ) : (
            <Bootstrap search={search} />
          )}
        </Suspense>
      </PanelBoundary>
    </>
  );
}
