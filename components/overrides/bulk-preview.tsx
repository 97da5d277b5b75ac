"use client";

import Link from "next/link";
import { useState, useTransition } from "react";

import { applyBulkOverrideForm } from "@/lib/actions/forms";
import type { BulkSelectionInput, ReasonCode } from "@/lib/breakers/schemas";
import type { BulkPreview } from "@/lib/breakers/changes";

import { entityHref } from "@/lib/links";
import { PlainTable } from "@/components/ui/plain-table";

import { type FormMessage, FormResult, ReasonCodeField, reasonIsLongEnough } from "./form-fields";
import { useRequestId } from "./request-id";

/** Rows drawn in the preview table; every key is applied whatever is drawn. */
const SHOWN = 500;

export type BulkMessage = FormMessage;

/** A bulk preview's or apply's answer; after a failure while a preview is shown, a way to preview again. */
export function BulkResult({ message, previewAgain }: { message: BulkMessage; previewAgain: (() => void) | null }) {
  return (
    <FormResult message={message} testId="bulk-result">
      {!message.ok && previewAgain && (
        <>
          {" "}
          <button type="button" onClick={previewAgain}>
            Preview again
          </button>
        </>
      )}
    </FormResult>
  );
}

/**
 * A bulk override's preview and apply: exactly the keys the server selected, before → after, what
 * the override gives their processors' breaker readers, then the reason and the apply of that set
 * (bound to the preview's token: refused if anything changed). The selection is sent back as it
 * was previewed — a filter or an incident id — and the server selects again from it.
 */
export function BulkPreviewApply({
  selection,
  preview,
  onResult,
  defaultReasonCode = "scraper_outage_backfilled",
  defaultReason = "",
  headings = { preview: "2. Preview", apply: "3. Apply" },
}: {
  selection: BulkSelectionInput;
  preview: BulkPreview;
  /** The apply's outcome: `applied` when the keys were overridden (the preview is then spent). */
  onResult: (message: BulkMessage, applied: boolean) => void;
  defaultReasonCode?: ReasonCode;
  defaultReason?: string;
  headings?: { preview: string; apply: string };
}) {
  const [reasonCode, setReasonCode] = useState<ReasonCode>(defaultReasonCode);
  const [reason, setReason] = useState(defaultReason);
  const [requestId] = useRequestId();
  const [pending, start] = useTransition();
  const count = preview.changes.length;

  return (
    <section className="panel" aria-labelledby="bulk-preview-heading" data-testid="bulk-preview">
      <h2 id="bulk-preview-heading">
        {headings.preview}: {count} breakers will be overridden
      </h2>
      {count === 0 ? (
        <p>No active breaker matches this selection. Nothing would change.</p>
      ) : (
        <div className="table-scroll">
          <PlainTable wrap={false} caption="Breakers the bulk override will change" columns={["Processor", "Entity", "Analysis date", "Before", "After"]}>
            {preview.changes.slice(0, SHOWN).map((c) => (
              <tr key={`${c.processor}|${c.entity_id}|${c.analysis_date}`}>
                <td>{c.processor}</td>
                <td>
                  <Link href={entityHref(c.entity_id, c.analysis_date)}>{c.entity_id}</Link>
                </td>
                <td>{c.analysis_date}</td>
                <td>
                  ✕ {c.before.status} ({c.before.attemptCount} attempts)
                </td>
                <td>✓ {c.after.status}</td>
              </tr>
            ))}
          </PlainTable>
          {count > SHOWN && <p className="muted">… and {count - SHOWN} more (all are applied).</p>}
        </div>
      )}
      {preview.skipped.length > 0 && <p className="muted">{preview.skipped.length} selected keys are not active and will not change.</p>}
      {count > 0 && (
        <p className="form-warning" data-testid="bulk-consequence">
          What the override gives these processors: {preview.consequence}
        </p>
      )}
      {count > 0 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            start(async () => {
              const r = await applyBulkOverrideForm({ filter: selection, token: preview.token, reason_code: reasonCode, reason, request_id: requestId });
              if (r.ok) onResult({ ok: true, text: `✓ ${r.replay ? "Already applied" : "Applied"}: ${r.data.changes.length} breakers overridden. ${r.data.consequence}` }, true);
              else onResult({ ok: false, text: `✕ ${r.error}` }, false);
            });
          }}
        >
          <h3>{headings.apply}</h3>
          <ReasonCodeField id="bulk-reason-code" value={reasonCode} onChange={setReasonCode} />
          <p>
            <label htmlFor="bulk-reason">What you checked (10–500 characters)</label>
            <textarea id="bulk-reason" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} required />
          </p>
          <button type="submit" disabled={pending || !reasonIsLongEnough(reason)}>
            {pending ? "Applying…" : `Override ${count} breakers`}
          </button>
        </form>
      )}
    </section>
  );
}
