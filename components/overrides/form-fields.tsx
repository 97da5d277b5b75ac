"use client";

/**
 * The fields and the answer line every breaker write form shares: the override's reason code,
 * the destructive writes' "why" and typed confirmation, and the line that says how a write went.
 */
import { type ReactNode, useState } from "react";

import { REASON_CODE_LABELS, REASON_CODES, type ReasonCode } from "@/lib/breakers/schemas";

/** An override's reason code, every code with its label. */
export function ReasonCodeField({ id, value, onChange }: { id: string; value: ReasonCode; onChange: (code: ReasonCode) => void }) {
  return (
    <p>
      <label htmlFor={id}>Reason</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as ReasonCode)}>
        {REASON_CODES.map((code) => (
          <option key={code} value={code}>
            {REASON_CODE_LABELS[code]}
          </option>
        ))}
      </select>
    </p>
  );
}

/** A written reason is 10–500 characters once trimmed; the server checks it again. */
export const reasonIsLongEnough = (reason: string) => reason.trim().length >= 10;

/**
 * The state of a destructive write's reason and confirmation: `fields` for WhyAndConfirmFields,
 * `complete` once the reason is long enough and the entity id is typed exactly.
 */
export function useWhyAndConfirm(entityId: string) {
  const [reason, setReason] = useState("");
  const [confirm, setConfirm] = useState("");
  return {
    reason,
    confirm,
    complete: confirm === entityId && reasonIsLongEnough(reason),
    fields: { entityId, reason, onReason: setReason, confirm, onConfirm: setConfirm },
  };
}

/**
 * A destructive write's reason and its confirmation: the key's entity id typed exactly. Ids are
 * `<idPrefix>-reason-<idSuffix>` and `<idPrefix>-confirm-<idSuffix>`.
 */
export function WhyAndConfirmFields({
  idPrefix,
  idSuffix,
  entityId,
  reason,
  onReason,
  confirm,
  onConfirm,
}: {
  idPrefix: string;
  idSuffix: string;
  entityId: string;
  reason: string;
  onReason: (reason: string) => void;
  confirm: string;
  onConfirm: (confirm: string) => void;
}) {
  const reasonId = `${idPrefix}-reason-${idSuffix}`;
  const confirmId = `${idPrefix}-confirm-${idSuffix}`;
  return (
    <>
      <p>
        <label htmlFor={reasonId}>Why (10–500 characters)</label>
        <textarea id={reasonId} rows={2} maxLength={500} value={reason} onChange={(e) => onReason(e.target.value)} required />
      </p>
      <p>
        <label htmlFor={confirmId}>
          Type <code>{entityId}</code> to confirm
        </label>
        <input id={confirmId} value={confirm} onChange={(e) => onConfirm(e.target.value)} autoComplete="off" required />
      </p>
    </>
  );
}

export interface FormMessage {
  ok: boolean;
  text: string;
}

/** How a write went: its text, styled as a success or an error. */
export function FormResult({ message, testId, children }: { message: FormMessage; testId: string; children?: ReactNode }) {
  return (
    <p className={message.ok ? "form-ok" : "form-error"} data-testid={testId}>
      {message.text}
      {children}
    </p>
  );
}
