"use client";

import { useEffect, useState, useTransition } from "react";

import { describeOverrideForm, overrideBreakerForm } from "@/lib/actions/forms";
import type { ReasonCode } from "@/lib/breakers/schemas";
import type { KeyStateSummary } from "@/lib/breakers/changes";
import { formatUtc } from "@/lib/format";
import { StatusBadge } from "@/components/ui/status-badge";

import { FormResult, ReasonCodeField } from "./form-fields";
import { useRequestId } from "./request-id";

export interface OverrideTarget {
  processor: string;
  entity_id: string;
  analysis_date: string;
  /** What the key looks like now, shown next to what will change. */
  status: string;
  until: string | null;
  attempts: number;
  /**
   * What the override really does for the processor's breaker reader (overrideConsequence), when
   * the server page knows it; otherwise the form asks the server for it.
   */
  consequence?: string;
}

/** The consequence sentence of an override of `target`: given, or asked of the server once. */
function useConsequence(target: OverrideTarget): string | null {
  const [asked, setAsked] = useState<string | null>(null);
  useEffect(() => {
    if (target.consequence !== undefined) return;
    let live = true;
    void describeOverrideForm({ processor: target.processor }).then((r) => {
      if (live) setAsked(r.ok ? r.data.consequence : null);
    });
    return () => {
      live = false;
    };
  }, [target.processor, target.consequence]);
  return target.consequence ?? asked;
}

type Result = Awaited<ReturnType<typeof overrideBreakerForm>>;

const STATUS_WORDS: Record<KeyStateSummary["status"], string> = {
  active: "active (blocked)",
  half_open: "half-open (one retry allowed)",
  failing: "failing (not blocked)",
  closed: "closed (not blocked)",
};

/**
 * The key's state as the form knows it: before a write, the state the page read; once the
 * server answered that the override applied (or had been applied), the state that answer says
 * the key is in now, with what it was. A form never shows a state its own write has ended.
 */
export function KeyStateLine({ target, now }: { target: OverrideTarget; now: KeyStateSummary | null }) {
  const was = (
    <>
      {target.status} after {target.attempts} attempts{target.until ? `, blocked until ${formatUtc(target.until)}` : ""}
    </>
  );
  if (now) {
    const ok = now.status !== "active";
    return (
      <span data-testid="override-state-now" data-status={now.status}>
        Now: <StatusBadge tone={ok ? "ok" : "bad"} label={STATUS_WORDS[now.status]} />
        {now.lastEvent === "override" ? " after the override" : ""}. Before: {was}.
      </span>
    );
  }
  return (
    <span data-testid="override-state-now" data-status={target.status}>
      Now: <StatusBadge tone="bad" label={target.status} /> after {target.attempts} attempts
      {target.until ? `, blocked until ${formatUtc(target.until)}` : ""}. After the override: not blocked.
    </span>
  );
}

/** Override one active breaker: reason code and text, the current state, what will change. */
export function OverrideForm({ target, onDone }: { target: OverrideTarget; onDone?: (ok: boolean) => void }) {
  const [requestId] = useRequestId();
  const [reasonCode, setReasonCode] = useState<ReasonCode>("data_now_available");
  const [reason, setReason] = useState("");
  const [result, setResult] = useState<Result | null>(null);
  const [pending, start] = useTransition();
  const consequence = useConsequence(target);
  const length = reason.trim().length;
  const fieldError = (field: string) => (result && !result.ok ? result.fieldErrors?.[field]?.[0] : undefined);

  return (
    <form
      className="override-form"
      data-testid="override-form"
      onSubmit={(event) => {
        event.preventDefault();
        start(async () => {
          const r = await overrideBreakerForm({ ...pick(target), reason_code: reasonCode, reason, request_id: requestId });
          setResult(r);
          onDone?.(r.ok);
        });
      }}
    >
      <p>
        <strong>
          {target.processor} · {target.entity_id} · {target.analysis_date}
        </strong>
        <br />
        <KeyStateLine target={target} now={result?.ok ? result.data.change.after : null} />
      </p>
      <p className="form-warning" data-testid="override-consequence">
        {consequence ?? "Reading what an override does for this processor…"}
      </p>
      <ReasonCodeField id={`reason-code-${requestId}`} value={reasonCode} onChange={setReasonCode} />
      <p>
        <label htmlFor={`reason-${requestId}`}>What you checked (10–500 characters)</label>
        <textarea
          id={`reason-${requestId}`}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={3}
          maxLength={500}
          required
          aria-invalid={Boolean(fieldError("reason"))}
          aria-describedby={`reason-help-${requestId}`}
        />
        <span id={`reason-help-${requestId}`} className="muted">
          {length}/500{length < 10 ? " · at least 10" : ""}
          {fieldError("reason") ? ` · ${fieldError("reason")}` : ""}
        </span>
      </p>
      <button type="submit" disabled={pending || length < 10 || result?.ok === true}>
        {/* Once applied, the page's data refresh keeps the transition pending: say it is done. */}
        {result?.ok ? "Overridden" : pending ? "Overriding…" : "Override breaker"}
      </button>
      {result && (
        <FormResult
          testId="override-result"
          message={{
            ok: result.ok,
            text: result.ok
              ? result.replay
                ? "✓ Already applied (this request was recorded before)."
                : `✓ Overridden. The breaker is no longer active. ${result.data.consequence}`
              : `✕ ${result.error}`,
          }}
        />
      )}
    </form>
  );
}

function pick(t: OverrideTarget) {
  return { processor: t.processor, entity_id: t.entity_id, analysis_date: t.analysis_date };
}
