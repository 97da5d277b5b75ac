"use client";

import { useRef, useState, useTransition } from "react";

import { previewBulkOverrideForm } from "@/lib/actions/forms";
import type { BulkPreview } from "@/lib/breakers/changes";

import { type BulkMessage, BulkPreviewApply, BulkResult } from "@/components/overrides/bulk-preview";

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
 * how, then APPLY that set — all or nothing, refused if it changed since the preview
 * (`BulkPreviewApply`, shared with an incident's "override the recovered keys").
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
  const [preview, setPreview] = useState<{ filter: ReturnType<typeof toFilter>; data: BulkPreview; seq: number } | null>(null);
  const [message, setMessage] = useState<BulkMessage | null>(null);
  const [pending, start] = useTransition();
  // Counts edits of the inputs: a preview answered after an edit describes inputs that are gone.
  const edits = useRef(0);
  const [cleared, setCleared] = useState(false);

  /**
   * Every edit of the inputs drops the preview on screen (and its Apply button): it lists the
   * keys of the inputs as they were, and applying it would act on a selection no longer shown.
   */
  const edit = (next: FilterState) => {
    edits.current += 1;
    setFilter(next);
    if (preview) setCleared(true);
    setPreview(null);
    setMessage(null);
  };

  const toggle = (list: string[], value: string) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

  const runPreview = () =>
    start(async () => {
      setMessage(null);
      const f = toFilter(filter);
      const asked = edits.current;
      const r = await previewBulkOverrideForm(f);
      if (edits.current !== asked) return;
      setCleared(false);
      if (r.ok) setPreview((before) => ({ filter: f, data: r.data, seq: (before?.seq ?? 0) + 1 }));
      else setMessage({ ok: false, text: r.error });
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
            <input id="bulk-from" type="date" value={filter.date_from} onChange={(e) => edit({ ...filter, date_from: e.target.value })} required />
          </p>
          <p>
            <label htmlFor="bulk-to">to</label>
            <input id="bulk-to" type="date" value={filter.date_to} onChange={(e) => edit({ ...filter, date_to: e.target.value })} required />
          </p>
        </div>
        <fieldset>
          <legend>Processors (none = all)</legend>
          {processors.map((p) => (
            <label key={p} className="check">
              <input type="checkbox" checked={filter.processors.includes(p)} onChange={() => edit({ ...filter, processors: toggle(filter.processors, p) })} /> {p}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Skip reasons (none = all)</legend>
          {skipReasons.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={filter.skip_reasons.includes(s)} onChange={() => edit({ ...filter, skip_reasons: toggle(filter.skip_reasons, s) })} /> {s}
            </label>
          ))}
        </fieldset>
        <p>
          <label htmlFor="bulk-entities">Entities (optional; separated by spaces or commas)</label>
          <textarea id="bulk-entities" rows={2} value={filter.entities} onChange={(e) => edit({ ...filter, entities: e.target.value })} />
        </p>
        <label className="check">
          <input type="checkbox" checked={filter.only_recovered} onChange={(e) => edit({ ...filter, only_recovered: e.target.checked })} /> Only keys whose upstream data is complete now (live recheck)
        </label>
        <p>
          <button type="submit" disabled={pending}>
            {pending && !preview ? "Previewing…" : "Preview"}
          </button>
        </p>
      </form>

      {cleared && !preview && (
        <p className="muted" data-testid="bulk-preview-cleared">
          The inputs changed since the last preview: preview again to see the breakers they select.
        </p>
      )}
      {preview && (
        // Keyed per preview: each preview's apply is a new request (a new idempotency key).
        <BulkPreviewApply
          key={preview.seq}
          selection={preview.filter}
          preview={preview.data}
          onResult={(m, applied) => {
            setMessage(m);
            if (applied) setPreview(null);
          }}
        />
      )}
      {message && <BulkResult message={message} previewAgain={preview ? runPreview : null} />}
    </div>
  );
}
