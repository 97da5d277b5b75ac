import { type ReactNode, Suspense } from "react";

import { getDataAsOf } from "@/lib/data/monitoring";
import { getViewer } from "@/lib/data/viewer";
import { formatDateLong } from "@/lib/format";

import { PageHeader, renderedAt } from "./page-header";
import { UtcTime } from "@/components/ui/time";

/** "Data as of Wed 25 Nov 2026 · read 2026-11-26 14:05 UTC · 2 min ago" */
export async function DataAsOf({ pinned }: { pinned?: string }) {
  const data = await getDataAsOf(undefined, await getViewer());
  return (
    <p className="stamp" data-testid="data-as-of">
      {pinned ? (
        <>
          Showing <strong>{formatDateLong(pinned)}</strong> (pinned){data.as_of && data.as_of !== pinned ? <> · latest data {formatDateLong(data.as_of)}</> : null}
        </>
      ) : data.as_of ? (
        <>
          Data as of <strong>{formatDateLong(data.as_of)}</strong>
        </>
      ) : (
        <>No processor output yet</>
      )}
      <span className="muted">
        {" "}
        · read <UtcTime value={data.read_at} serverNow={renderedAt()} />
      </span>
      {data.stale ? <span className="notice-inline warn"> ▲ the warehouse is failing: {data.error}</span> : null}
    </p>
  );
}

/**
 * The header of a page about warehouse data: title, lede, and the data-as-of stamp (the pinned
 * date when the URL pins one), which streams in without holding the page back.
 */
export function DataPageHeader({ title, lede, pinned }: { title: string; lede: ReactNode; pinned?: string }) {
  return (
    <PageHeader
      title={title}
      lede={lede}
      serverReadAt={renderedAt()}
      stamp={
        <Suspense fallback={<p className="stamp">Data as of …</p>}>
          <DataAsOf pinned={pinned} />
        </Suspense>
      }
    />
  );
}
