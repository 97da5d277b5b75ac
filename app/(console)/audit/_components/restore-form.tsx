"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { type FormMessage, FormResult, WhyAndConfirmFields, useWhyAndConfirm } from "@/components/overrides/form-fields";
import { useRequestId } from "@/components/overrides/request-id";
import { restoreResetForm } from "@/lib/actions/forms";
import type { RestoreStatus } from "@/lib/breakers/changes";
import { formatUtc, humanInstants } from "@/lib/format";

/**
 * Beside a reset's record: whether its rows can be put back. Admins get the form while it can;
 * everybody sees why it cannot (already restored, too old, the key changed since, or recorded
 * before resets kept their rows). A form that succeeded stays on screen with its result after the
 * page's data is refreshed, although the refreshed record no longer offers it.
 */
export function RestoreControl({ status, canRestore }: { status: RestoreStatus; canRestore: boolean }) {
  const [restored, setRestored] = useState(false);
  if (!status.available && !restored) {
    return (
      <p className="muted" data-testid="restore-unavailable">
        Not restorable: {humanInstants(status.message ?? "")}
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
    <details className="write-disclosure danger" data-testid="restore-disclosure" open={restored || undefined}>
      <summary>Restore the {status.rowCount} removed rows</summary>
      <RestoreForm auditId={status.audit_id} entityId={status.key.entity_id} rowCount={status.rowCount} onRestored={() => setRestored(true)} />
    </details>
  );
}

/**
 * Restore a reset (admin): puts back the rows the reset deleted, exactly as its audit record
 * kept them, and removes its RESET row. Asks why and for the key's entity id typed exactly, like
 * the reset form. The server checks all of it again, and refuses when the key changed since.
 */
function RestoreForm({ auditId, entityId, rowCount, onRestored }: { auditId: string; entityId: string; rowCount: number; onRestored: () => void }) {
  const router = useRouter();
  const [requestId] = useRequestId();
  const why = useWhyAndConfirm(entityId);
  const [message, setMessage] = useState<FormMessage | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      className="reset-form"
      data-testid="restore-form"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await restoreResetForm({ audit_id: auditId, reason: why.reason, request_id: requestId, confirm: why.confirm });
          setMessage(r.ok ? { ok: true, text: `✓ Restored: ${r.data.rowsRestored} rows are back and the RESET row is gone.` } : { ok: false, text: `✕ ${r.error}` });
          if (!r.ok) return;
          onRestored();
          router.refresh();
        });
      }}
    >
      <p className="form-warning">
        ⚠ Restore removes this reset&apos;s RESET row and puts back the {rowCount} rows it deleted, exactly as they were: the breaker is then in
        the state it had before the reset. A reset can be restored once.
      </p>
      <WhyAndConfirmFields idPrefix="restore" idSuffix={auditId} {...why.fields} />
      <button type="submit" className="danger" disabled={pending || !why.complete || message?.ok === true}>
        {pending ? "Restoring…" : `Restore ${rowCount} rows`}
      </button>
      {message && <FormResult message={message} testId="restore-result" />}
    </form>
  );
}
