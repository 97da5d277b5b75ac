"use client";

import { type FormEvent, useId, useState } from "react";

import { useUrlState } from "@/lib/use-url-state";

export interface Option {
  value: string;
  label: string;
}

/** A select bound to one search param; "" (the first option) removes the param. */
export function SelectFilter({
  param,
  label,
  value,
  options,
  allLabel,
}: {
  param: string;
  label: string;
  value: string | undefined;
  options: readonly Option[];
  allLabel: string;
}) {
  const id = useId();
  const { update, pending } = useUrlState();
  const known = value === undefined || options.some((o) => o.value === value);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ""} onChange={(e) => update({ [param]: e.target.value || null })} aria-busy={pending || undefined}>
        <option value="">{allLabel}</option>
        {/* A value from a link that the list does not offer (several processors, an old date) stays visible. */}
        {!known && value ? <option value={value}>{value.replaceAll(",", ", ")}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A search box bound to one search param, applied on Enter or the button. */
export function SearchFilter({ param, label, value, placeholder }: { param: string; label: string; value: string | undefined; placeholder?: string }) {
  const id = useId();
  const { update } = useUrlState();
  const [text, setText] = useState(value ?? "");
  const [lastValue, setLastValue] = useState(value);
  // The URL changed under us (back/forward, "clear filters"): show what it says.
  if (value !== lastValue) {
    setLastValue(value);
    setText(value ?? "");
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    update({ [param]: text.trim() || null });
  }
  return (
    <form className="field search" role="search" onSubmit={submit}>
      <label htmlFor={id}>{label}</label>
      <span className="search-row">
        <input id={id} type="search" value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} autoComplete="off" spellCheck={false} />
        <button type="submit" className="button">
          Search
        </button>
      </span>
    </form>
  );
}

/** A link back to the unfiltered view, shown when some filter is set. */
export function ClearFilters({ params }: { params: readonly string[] }) {
  const { searchParams, update } = useUrlState();
  if (!params.some((p) => searchParams.has(p))) return null;
  return (
    <button type="button" className="button link" onClick={() => update(Object.fromEntries(params.map((p) => [p, null])))}>
      Clear filters
    </button>
  );
}
