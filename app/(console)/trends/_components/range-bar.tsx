"use client";

import Link from "next/link";
import { type FormEvent, useId, useState } from "react";

import { useUrlState } from "@/lib/use-url-state";

export interface RangeLink {
  range: string;
  label: string;
  href: string;
  current: boolean;
}

/** The range: 7 / 30 / 90 days, the season, or custom dates; each a URL (back/forward restore it). */
export function RangeBar({ links, from, to, custom }: { links: RangeLink[]; from: string; to: string; custom: boolean }) {
  const id = useId();
  const { update, pending } = useUrlState();
  const [dates, setDates] = useState({ from, to });
  const [shown, setShown] = useState({ from, to });
  // Another range was chosen (a link, back/forward): show its dates.
  if (shown.from !== from || shown.to !== to) {
    setShown({ from, to });
    setDates({ from, to });
  }
  function apply(e: FormEvent) {
    e.preventDefault();
    if (dates.from && dates.to) update({ range: "custom", from: dates.from, to: dates.to });
  }
  return (
    <div className="range-bar" aria-busy={pending || undefined}>
      <nav aria-label="Range">
        <span className="field-label" id={`${id}-range`}>
          Range
        </span>
        <span className="segmented" aria-labelledby={`${id}-range`}>
          {links.map((l) => (
            <Link key={l.range} href={l.href} aria-current={l.current ? "page" : undefined} data-testid={`range-${l.range}`} scroll={false}>
              {l.label}
            </Link>
          ))}
        </span>
      </nav>
      <form className="custom-range" onSubmit={apply} aria-label="Custom range">
        <div className="field">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="date" value={dates.from} max={dates.to} onChange={(e) => setDates((d) => ({ ...d, from: e.target.value }))} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To</label>
          <input id={`${id}-to`} type="date" value={dates.to} min={dates.from} onChange={(e) => setDates((d) => ({ ...d, to: e.target.value }))} required />
        </div>
        <button type="submit" className="button" aria-pressed={custom}>
          Apply dates
        </button>
      </form>
    </div>
  );
}
