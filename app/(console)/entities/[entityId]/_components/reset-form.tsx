"use client";

import { useState, useTransition } from "react";

import { resetBreakerForm } from "@/lib/actions/forms";

import { useRequestId } from "@/components/overrides/request-id";

/**
 * Reset (admin, destructive): lists the rows that will go, asks for a reason and for the entity
 * id typed exactly. The server checks all of it again.
 */
export function ResetForm({
  processor,
  entityId,
  analysisDate,
  rowCount,
  onDone,
}: {
  processor: string;
  entityId: string;
  analysisDate: string;
  rowCount: number;
  /** After each answer (true: reset); the opener refreshes what the reset changed. */
  onDone?: (ok: boolean) => void;
}) {
  const [requestId] = useRequestId();
  const [reason, setReason] = useState("");
  const [confirm, setConfirm] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const id = `${processor}-${analysisDate}`;
  return (
    <form
      className="reset-form"
      data-testid="reset-form"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await resetBreakerForm({ processor, entity_id: entityId, analysis_date: analysisDate, reason, request_id: requestId, confirm });
          setMessage(r.ok ? { ok: true, text: `✓ Reset: ${r.data.rowsRemoved} rows removed, one RESET row left.` } : { ok: false, text: `✕ ${r.error}` });
          onDone?.(r.ok);
        });
      }}
    >
      <p className="form-warning">
        ⚠ Reset deletes all {rowCount} breaker rows of this key and leaves one RESET row recording who, why and how many rows went. Prefer an override
        unless the history itself is wrong.
      </p>
      <p>
        <label htmlFor={`reset-reason-${id}`}>Why (10–500 characters)</label>
        <textarea id={`reset-reason-${id}`} rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} required />
      </p>
      <p>
        <label htmlFor={`reset-confirm-${id}`}>
          Type <code>{entityId}</code> to confirm
        </label>
        <input id={`reset-confirm-${id}`} value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" required />
      </p>
      <button type="submit" className="danger" disabled={pending || confirm !== entityId || reason.trim().length < 10 || message?.ok === true}>
        {pending ? "Resetting…" : "Reset breaker"}
      </button>
      {message && (
        <p className={message.ok ? "form-ok" : "form-error"} data-testid="reset-result">
          {message.text}
        </p>
      )}
    </form>
  );
}
