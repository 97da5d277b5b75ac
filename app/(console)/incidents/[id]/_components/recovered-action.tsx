"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { previewBulkOverrideForm } from "@/lib/actions/forms";
import type { BulkPreview } from "@/lib/breakers/changes";

import { type BulkMessage, BulkPreviewApply, BulkResult } from "@/components/overrides/bulk-preview";

/**
 * The one safe action of an incident: override exactly the keys whose data has recovered. The
 * button asks the server for the token-bound preview of `{ incident }` — the server picks the keys
 * (the live recheck), the browser never sends them — then the usual apply of that set.
 */
export function RecoveredAction({ incidentId, recoverable, cause }: { incidentId: string; recoverable: number; cause: string }) {
  const [preview, setPreview] = useState<{ data: BulkPreview; seq: number } | null>(null);
  const [message, setMessage] = useState<BulkMessage | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();
  const selection = { incident: incidentId };

  const runPreview = () =>
    start(async () => {
      setMessage(null);
      const r = await previewBulkOverrideForm(selection);
      if (r.ok) setPreview((before) => ({ data: r.data, seq: (before?.seq ?? 0) + 1 }));
      else setMessage({ ok: false, text: `✕ ${r.error}` });
    });

  return (
    <div className="bulk-override" data-testid="recovered-action">
      <p>
        <button type="button" className="button" onClick={runPreview} disabled={pending || recoverable === 0} data-testid="override-recovered">
          {pending && !preview ? "Previewing…" : `Override the ${recoverable} ${recoverable === 1 ? "key" : "keys"} whose data has recovered`}
        </button>
      </p>
      {recoverable === 0 ? <p className="muted">No key of this incident has its data back yet: nothing is safe to override.</p> : null}
      {preview && (
        <BulkPreviewApply
          key={preview.seq}
          selection={selection}
          preview={preview.data}
          defaultReasonCode="data_now_available"
          // What the server checked before offering these keys; the operator may say more.
          defaultReason={`Incident ${cause}: the live recheck finds these keys' upstream data complete again.`.slice(0, 500)}
          headings={{ preview: "Preview", apply: "Apply" }}
          onResult={(m, applied) => {
            setMessage(m);
            if (applied) {
              setPreview(null);
              // The page's figures (recovered, states, outcomes) are read again on the server.
              router.refresh();
            }
          }}
        />
      )}
      {message && <BulkResult message={message} previewAgain={preview ? runPreview : null} />}
    </div>
  );
}
