"use client";

import { useState, useTransition } from "react";

import { applyBulkOverrideForm, previewBulkOverrideForm } from "@/lib/actions/forms";
import { REASON_CODE_LABELS, REASON_CODES, type ReasonCode } from "@/lib/breakers/schemas";
import type { BulkPreview } from "@/lib/engine/breaker-writes";

import { useRequestId } from "./request-id";

interface FilterState {
  date_from: string;
  date_to: string;
  processors: string[];
  skip_reasons: string[];
  entities: string;
  only_recovered: boolean;
}

function toFilter(f: FilterState) {
  const entities = f.entities.split(/[\s,]+/).filter(Boolean);
  return {
    date_from: f.date_from,
    date_to: f.date_to,
    ...(f.processors.length ? { processors: f.processors } : {}),
    ...(f.skip_reasons.length ? { skip_reasons: f.skip_reasons } : {}),
    ...(entities.length ? { entities } : {}),
    ...(f.only_recovered ? { only_recovered: true } : {}),
  };
}

/**
 * Bulk override after an outage: choose keys by filter, PREVIEW exactly which keys change and
 * how, then APPLY that set — all or nothing, refused if it changed since the preview.
 */
export function BulkOverride({
  processors,
  skipReasons,
  defaultFrom,
  defaultTo,
}: {
  processors: readonly string[];
  skipReasons: readonly string[];
  defaultFrom: string;
  defaultTo: string;
}) {
  const [filter, setFilter] = useState<FilterState>({ date_from: defaultFrom, date_to: defaultTo, processors: [], skip_reasons: [], entities: "", only_recovered: false });
  const [preview, setPreview] = useState<{ filter: ReturnType<typeof toFilter>; data: BulkPreview } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [reasonCode, setReasonCode] = useState<ReasonCode>("scraper_outage_backfilled");
  const [reason, setReason] = useState("");
  const [requestId, newRequestId] = useRequestId();
  const [pending, start] = useTransition();

  const toggle = (list: string[], value: string) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

  const runPreview = () =>
    start(async () => {
      setMessage(null);
      const f = toFilter(filter);
      const r = await previewBulkOverrideForm(f);
      if (r.ok) {
        setPreview({ filter: f, data: r.data });
        newRequestId();
      } else setMessage({ ok: false, text: r.error });
    });

  return (
    <div className="bulk-override">
      <form
        className="panel"
        aria-labelledby="bulk-filter-heading"
        onSubmit={(e) => {
          e.preventDefault();
          runPreview();
        }}
      >
        <h2 id="bulk-filter-heading">1. Choose the breakers</h2>
        <div className="form-grid">
          <p>
            <label htmlFor="bulk-from">Analysis dates from</label>
            <input id="bulk-from" type="date" value={filter.date_from} onChange={(e) => setFilter({ ...filter, date_from: e.target.value })} required />
          </p>
          <p>
            <label htmlFor="bulk-to">to</label>
            <input id="bulk-to" type="date" value={filter.date_to} onChange={(e) => setFilter({ ...filter, date_to: e.target.value })} required />
          </p>
        </div>
        <fieldset>
          <legend>Processors (none = all)</legend>
          {processors.map((p) => (
            <label key={p} className="check">
              <input type="checkbox" checked={filter.processors.includes(p)} onChange={() => setFilter({ ...filter, processors: toggle(filter.processors, p) })} /> {p}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Skip reasons (none = all)</legend>
          {skipReasons.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={filter.skip_reasons.includes(s)} onChange={() => setFilter({ ...filter, skip_reasons: toggle(filter.skip_reasons, s) })} /> {s}
            </label>
          ))}
        </fieldset>
        <p>
          <label htmlFor="bulk-entities">Entities (optional; separated by spaces or commas)</label>
          <textarea id="bulk-entities" rows={2} value={filter.entities} onChange={(e) => setFilter({ ...filter, entities: e.target.value })} />
        </p>
        <label className="check">
          <input type="checkbox" checked={filter.only_recovered} onChange={(e) => setFilter({ ...filter, only_recovered: e.target.checked })} /> Only keys whose upstream data is complete now (live recheck)
        </label>
        <p>
          <button type="submit" disabled={pending}>
            {pending && !preview ? "Previewing…" : "Preview"}
          </button>
        </p>
      </form>

      {preview && (
        <section className="panel" aria-labelledby="bulk-preview-heading" data-testid="bulk-preview">
          <h2 id="bulk-preview-heading">2. Preview: {preview.data.changes.length} breakers will be overridden</h2>
          {preview.data.changes.length === 0 ? (
            <p>No active breaker matches this filter. Nothing would change.</p>
          ) : (
            <div className="table-scroll">
              <table>
                <caption className="visually-hidden">Breakers the bulk override will change</caption>
                <thead>
                  <tr>
                    <th scope="col">Processor</th>
                    <th scope="col">Entity</th>
                    <th scope="col">Analysis date</th>
                    <th scope="col">Before</th>
                    <th scope="col">After</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.data.changes.slice(0, 500).map((c) => (
                    <tr key={`${c.processor}|${c.entity_id}|${c.analysis_date}`}>
                      <td>{c.processor}</td>
                      <td>{c.entity_id}</td>
                      <td>{c.analysis_date}</td>
                      <td>
                        ✕ {c.before.status} ({c.before.attemptCount} attempts)
                      </td>
                      <td>✓ {c.after.status}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {preview.data.changes.length > 500 && <p className="muted">… and {preview.data.changes.length - 500} more (all are applied).</p>}
            </div>
          )}
          {preview.data.skipped.length > 0 && <p className="muted">{preview.data.skipped.length} selected keys are not active and will not change.</p>}
          {preview.data.changes.length > 0 && (
            <p className="form-warning" data-testid="bulk-consequence">
              What the override gives these processors: {preview.data.consequence}
            </p>
          )}
          {preview.data.changes.length > 0 && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                start(async () => {
                  const r = await applyBulkOverrideForm({ filter: preview.filter, token: preview.data.token, reason_code: reasonCode, reason, request_id: requestId });
                  if (r.ok) {
                    setMessage({ ok: true, text: `✓ ${r.replay ? "Already applied" : "Applied"}: ${r.data.changes.length} breakers overridden. ${r.data.consequence}` });
                    setPreview(null);
                  } else setMessage({ ok: false, text: `✕ ${r.error}` });
                });
              }}
            >
              <h3>3. Apply</h3>
              <p>
                <label htmlFor="bulk-reason-code">Reason</label>
                <select id="bulk-reason-code" value={reasonCode} onChange={(e) => setReasonCode(e.target.value as ReasonCode)}>
                  {REASON_CODES.map((code) => (
                    <option key={code} value={code}>
                      {REASON_CODE_LABELS[code]}
                    </option>
                  ))}
                </select>
              </p>
              <p>
                <label htmlFor="bulk-reason">What you checked (10–500 characters)</label>
                <textarea id="bulk-reason" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} required />
              </p>
              <button type="submit" disabled={pending || reason.trim().length < 10}>
                {pending ? "Applying…" : `Override ${preview.data.changes.length} breakers`}
              </button>
            </form>
          )}
        </section>
      )}
      {message && (
        <p className={message.ok ? "form-ok" : "form-error"} data-testid="bulk-result">
          {message.text}
          {!message.ok && preview && (
            <>
              {" "}
              <button type="button" onClick={runPreview}>
                Preview again
              </button>
            </>
          )}
        </p>
      )}
    </div>
  );
}
