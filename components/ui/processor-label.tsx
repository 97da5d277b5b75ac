import { Fragment } from "react";

import { PROCESSORS } from "@/lib/completeness/processors";

const SHORT = new Map<string, string>(PROCESSORS.map((p) => [p.name, p.short]));

/**
 * A processor's canonical name, breakable after its underscores (never mid-word) in narrow
 * cells; `short` shows the registry's short label (MLFS) with the full name as its title, for
 * dense tables.
 */
export function ProcessorLabel({ name, short = false }: { name: string; short?: boolean }) {
  const abbr = SHORT.get(name);
  if (short && abbr) {
    return (
      <abbr className="proc" title={name}>
        {abbr}
      </abbr>
    );
  }
  const parts = name.split("_");
  return (
    <span className="proc">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 ? (
            <>
              _<wbr />
            </>
          ) : null}
        </Fragment>
      ))}
    </span>
  );
}
