"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState, useTransition } from "react";

import styles from "./entity.module.css";

/**
 * Picks the entity page's date: changes `?date=` in the URL (so back/forward and shared links
 * keep the view). It is a plain GET form, so it also works before hydration and without
 * JavaScript; with JavaScript it navigates client-side and says so while loading. It applies on
 * submit (Enter or the button), not on every change, so typing a date with the keyboard does not
 * navigate at each digit.
 */
export function DatePicker({ basePath, date, min, max }: { basePath: string; date: string; min?: string; max?: string }) {
  const router = useRouter();
  const [value, setValue] = useState(date);
  const [pending, startTransition] = useTransition();
  const id = useId();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return;
    startTransition(() => router.push(`${basePath}?date=${value}`));
  }

  return (
    <form className={styles.dateForm} action={basePath} method="get" onSubmit={onSubmit}>
      <label htmlFor={id}>Date</label>
      <input id={id} type="date" name="date" value={value} min={min} max={max} required onChange={(e) => setValue(e.target.value)} />
      <button type="submit" disabled={pending} aria-live="polite">
        {pending ? "Loading…" : "Show"}
      </button>
    </form>
  );
}
