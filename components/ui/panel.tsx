import type { ReactNode } from "react";

/**
 * A titled panel. `minHeight` reserves the panel's usual height, so the skeleton, the panel and
 * its error state take the same room (no layout shift when one replaces another).
 */
export function Panel({
  id,
  title,
  actions,
  children,
  minHeight,
  testId,
  busy,
}: {
  id: string;
  title: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  minHeight?: number;
  testId?: string;
  busy?: boolean;
}) {
  return (
    <section
      className="panel"
      aria-labelledby={`${id}-title`}
      data-testid={testId}
      aria-busy={busy || undefined}
      style={minHeight ? { minHeight } : undefined}
    >
      <div className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

/** The loading state of a panel: its real title and grey bars in the room the panel will take. */
export function PanelSkeleton({ id, title, minHeight, lines = 6 }: { id: string; title: ReactNode; minHeight: number; lines?: number }) {
  return (
    <Panel id={id} title={title} minHeight={minHeight} busy>
      <p className="visually-hidden">Loading…</p>
      <div className="skeleton-lines" aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <span key={i} className="skeleton" style={{ width: `${70 + ((i * 37) % 30)}%` }} />
        ))}
      </div>
    </Panel>
  );
}

/** Text for a panel with nothing to show, saying why. */
export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
