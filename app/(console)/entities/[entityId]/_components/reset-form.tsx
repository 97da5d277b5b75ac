"use client";

import { useState, useTransition } from "react";

import { resetBreakerForm } from "@/lib/actions/forms";

import { type FormMessage, FormResult, WhyAndConfirmFields, useWhyAndConfirm } from "@/components/overrides/form-fields";
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
  const why = useWhyAndConfirm(entityId);
  const [message, setMessage] = useState<FormMessage | null>(null);
  const [pending, start] = useTransition();
  const id = `${processor}-${analysisDate}`;
  return (
    <form
      className="reset-form"
      data-testid="reset-form"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await resetBreakerForm({ processor, entity_id: entityId, analysis_date: analysisDate, reason: why.reason, request_id: requestId, confirm: why.confirm });
          setMessage(r.ok ? { ok: true, text: `✓ Reset: ${r.data.rowsRemoved} rows removed, one RESET row left.` } : { ok: false, text: `✕ ${r.error}` });
          onDone?.(r.ok);
        });
      }}
    >
      <p className="form-warning">
        ⚠ Reset deletes all {rowCount} breaker rows of this key and leaves one RESET row recording who, why and how many rows went. Prefer an override
        unless the history itself is wrong.
      </p>
      <WhyAndConfirmFields idPrefix="reset" idSuffix={id} {...why.fields} />
      <button type="submit" className="danger" disabled={pending || !why.complete || message?.ok === true}>
        {pending ? "Resetting…" : "Reset breaker"}
      </button>
      {message && <FormResult message={message} testId="reset-result" />}
    </form>
  );
}
