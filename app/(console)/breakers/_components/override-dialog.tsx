"use client";

import { useEffect, useRef } from "react";

import { OverrideForm, type OverrideTarget } from "@/components/overrides/override-form";

export function overrideKeyOf(t: Pick<OverrideTarget, "processor" | "entity_id" | "analysis_date">): string {
  return `${t.processor}|${t.entity_id}|${t.analysis_date}`;
}

/**
 * The override form in a modal `<dialog>`, opened for one key from a table row. The browser
 * traps focus in a modal dialog and closes it on Escape; focus starts on the form's first field,
 * and `onClose` tells the opener, which puts focus back where it was.
 */
export function OverrideDialog({
  target,
  onClose,
  onOverridden,
}: {
  /** The key to override; null: closed. */
  target: OverrideTarget | null;
  onClose: () => void;
  onOverridden: (target: OverrideTarget) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (target && !dialog.open) {
      dialog.showModal();
      // The first field rather than the Close button the browser would pick.
      dialog.querySelector<HTMLElement>(".override-form select, .override-form textarea")?.focus();
    } else if (!target && dialog.open) {
      dialog.close();
    }
  }, [target]);

  return (
    <dialog
      ref={ref}
      className="override-dialog"
      aria-labelledby="override-dialog-title"
      onClose={onClose}
      // A click on the backdrop lands on the dialog element itself (its content fills the box).
      onClick={(event) => {
        if (event.target === event.currentTarget) event.currentTarget.close();
      }}
    >
      {target ? (
        <div className="dialog-body">
          <div className="dialog-head">
            <h2 id="override-dialog-title">Override a breaker</h2>
            <button type="button" className="button" onClick={() => ref.current?.close()}>
              Close
            </button>
          </div>
          <OverrideForm
            key={overrideKeyOf(target)}
            target={target}
            onDone={(ok) => {
              if (ok) onOverridden(target);
            }}
          />
        </div>
      ) : null}
    </dialog>
  );
}
