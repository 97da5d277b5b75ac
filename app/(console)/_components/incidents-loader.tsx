"use client";

import { useQuery } from "@tanstack/react-query";

import type { Incident } from "@/lib/completeness/incidents";

import { Panel, PanelSkeleton } from "@/components/ui/panel";

import { IncidentsPanel } from "./incidents-panel";

type Pins = { as_of?: string; now?: string };

interface IncidentsAnswer {
  now: string;
  rows: Incident[];
  unexplained: number;
}

/**
 * The room the panel holds from the first paint to the browser's answer (seconds later), so the
 * alerts and processors below it do not move when it arrives: the demo's three incidents measure
 * 447 px at 1280 px wide and 482 px at a phone's 412 px. A shorter answer keeps the room (the
 * panel never shrinks under the reader); only a longer list pushes what is below.
 */
export const INCIDENTS_HEIGHT = 480;
/** Incidents change with nightly runs and writes: refreshed every 5 minutes while the tab is open. */
const REFRESH_MS = 5 * 60_000;

async function fetchIncidents(pins: Pins, signal: AbortSignal): Promise<IncidentsAnswer> {
  const query = new URLSearchParams();
  if (pins.as_of) query.set("as_of", pins.as_of);
  if (pins.now) query.set("now", pins.now);
  const qs = query.toString();
  const response = await fetch(`/api/v1/incidents${qs ? `?${qs}` : ""}`, { signal, headers: { accept: "application/json" }, cache: "no-store" });
  const body = (await response.json().catch(() => null)) as (IncidentsAnswer & { error?: string }) | null;
  if (!response.ok || !body) throw new Error(body?.error ?? `the incidents API answered ${response.status}`);
  return body;
}

/**
 * The overview's incidents panel, read by the browser from `GET /api/v1/incidents` once the page
 * is up. Grouping incidents costs a live recheck of every failing key (seconds when its cache is
 * cold), so it is kept off the page's own response: the document, its other panels and its load
 * event never wait for it, while the panel holds its room with a skeleton.
 */
export function IncidentsLoader({ pins }: { pins: Pins }) {
  const query = useQuery({
    queryKey: ["incidents", pins.as_of ?? null, pins.now ?? null],
    queryFn: ({ signal }) => fetchIncidents(pins, signal),
    staleTime: REFRESH_MS,
    refetchInterval: REFRESH_MS,
    refetchIntervalInBackground: false,
    retry: 1,
  });
  if (query.isPending) return <PanelSkeleton id="incidents" title="Open incidents" minHeight={INCIDENTS_HEIGHT} lines={4} />;
  if (query.isError) {
    return (
      <Panel id="incidents" title="Open incidents" minHeight={INCIDENTS_HEIGHT} testId="incidents-error">
        <p className="notice bad">
          <span aria-hidden="true">✕ </span>
          The incidents could not be read ({query.error.message}). The rest of the page is unaffected.
        </p>
        <button type="button" className="button" onClick={() => void query.refetch()}>
          Try again
        </button>
      </Panel>
    );
  }
  return (
    <div style={{ minHeight: INCIDENTS_HEIGHT }}>
      <IncidentsPanel incidents={query.data.rows} unexplained={query.data.unexplained} now={query.data.now} pins={pins} />
    </div>
  );
}
