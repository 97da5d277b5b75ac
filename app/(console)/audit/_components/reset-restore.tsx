import { formatUtc } from "@/lib/format";
import type { RestoreStatus } from "@/lib/data/restores";

import { RestoreForm } from "./restore-form";

/**
 * Beside a reset's record: whether its rows can be put back. Admins get the form while it can;
 * everybody sees why it cannot (already restored, too old, the key changed since, or recorded
 * before resets kept their rows).
 */
export function ResetRestore({ status, canRestore }: { status: RestoreStatus | undefined; canRestore: boolean }) {
  if (!status) return null;
  if (!status.available) {
    return (
      <p className="muted" data-testid="restore-unavailable">
        Not restorable: {status.message}
      </p>
    );
  }
  if (!canRestore) {
    return (
      <p className="muted" data-testid="restore-admins-only">
        An admin can restore its {status.rowCount} removed rows until {formatUtc(status.restorableUntil)}.
      </p>
    );
  }
  return (
    <details className="write-disclosure danger" data-testid="restore-disclosure">
      <summary>Restore the {status.rowCount} removed rows</summary>
      <RestoreForm auditId={status.audit_id} entityId={status.key.entity_id} rowCount={status.rowCount} />
    </details>
  );
}
