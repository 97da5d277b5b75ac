import { StatusBadge } from "@/components/ui/status-badge";
import { type BreakerEvent, EVENT_STYLE } from "@/components/ui/status";

/** A breaker event as glyph + word: failure ✕, trip ⊘, override ↷, reset ⟲, recovery ⤴, success ✓. */
export function EventBadge({ event }: { event: BreakerEvent }) {
  return <StatusBadge status={EVENT_STYLE[event]} testId={`event-${event}`} />;
}
