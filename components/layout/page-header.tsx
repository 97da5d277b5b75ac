import type { ReactNode } from "react";

import { RefreshControl } from "@/components/ui/refresh-control";

/** A page's title, its lede, its stamps (data as of…) and the Refresh control. */
export function PageHeader({ title, lede, stamp, serverReadAt }: { title: string; lede?: ReactNode; stamp?: ReactNode; serverReadAt: string }) {
  return (
    <header className="page-head">
      <div className="page-title">
        <h1>{title}</h1>
        {lede ? <p className="lede">{lede}</p> : null}
      </div>
      <div className="page-meta">
        {stamp}
        <RefreshControl serverReadAt={serverReadAt} />
      </div>
    </header>
  );
}

/** The instant a server render started (for "last refreshed" before any client refresh). */
export function renderedAt(): string {
  return new Date().toISOString();
}
