"use client";

import { notifyManager, useIsFetching, useQueryClient } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";

import { monitoringKeys } from "@/lib/monitoring/query";
import { UtcTime } from "./time";

/**
 * The page's Refresh button and "last refreshed" time: the newest data among the page's
 * monitoring queries. Automatic refreshes pause while the tab is hidden (react-query's
 * `refetchIntervalInBackground: false`) and resume, with one refresh, when it is shown again.
 */
export function RefreshControl({ serverReadAt }: { serverReadAt: string }) {
  const client = useQueryClient();
  const fetching = useIsFetching({ queryKey: monitoringKeys.all }) > 0;
  // Batched like react-query's own hooks: the cache changes while other components render
  // (a query is added), and a synchronous update of this one then would be a render-phase update.
  const subscribe = useCallback((onChange: () => void) => client.getQueryCache().subscribe(notifyManager.batchCalls(onChange)), [client]);
  const getSnapshot = useCallback(() => {
    let newest = 0;
    for (const query of client.getQueryCache().findAll({ queryKey: monitoringKeys.all })) {
      if (query.state.dataUpdatedAt > newest) newest = query.state.dataUpdatedAt;
    }
    return newest;
  }, [client]);
  const serverMs = Date.parse(serverReadAt);
  const newest = useSyncExternalStore(subscribe, getSnapshot, () => serverMs);
  const lastRefreshed = newest > 0 ? new Date(newest).toISOString() : serverReadAt;

  return (
    <div className="refresh-control" data-testid="refresh-control">
      <button
        type="button"
        className="button"
        onClick={() => void client.refetchQueries({ queryKey: monitoringKeys.all, type: "active" })}
        disabled={fetching}
        aria-describedby="last-refreshed"
      >
        <span aria-hidden="true">↻ </span>
        {fetching ? "Refreshing…" : "Refresh"}
      </button>
      <span id="last-refreshed" className="muted">
        last refreshed <UtcTime value={lastRefreshed} serverNow={serverReadAt} />
      </span>
    </div>
  );
}
