import { Fragment } from "react";

import { BREAKER_READERS, type ProcessorReader, readerMeaning } from "@/lib/completeness/deployment";

import { ReaderName } from "@/components/breakers/reader-name";
import { ProcessorLabel } from "@/components/ui/processor-label";

/** A processor (short label, full name as its title) and the name it writes in reprocess_attempts. */
function Written({ p }: { p: ProcessorReader }) {
  return (
    <span className="reader-proc" data-testid={`reader-${p.processor}`} data-reader={p.reader}>
      <ProcessorLabel name={p.processor} short /> <code title={`${p.processor} writes and reads its rows in reprocess_attempts under this name`}>{p.pipelineName}</code>
    </span>
  );
}

function WrittenList({ processors }: { processors: ProcessorReader[] }) {
  return processors.map((p, i) => (
    <Fragment key={p.processor}>
      {i > 0 ? " · " : null}
      <Written p={p} />
    </Fragment>
  ));
}

/**
 * Which breaker reader each processor runs, and the name it writes under: a console override
 * is one retry for a processor on the original reader and a fresh start for one on the console's,
 * so an operator switching processors over one by one must see which is which. One sentence
 * when every processor runs the same reader; one line per reader when they differ.
 */
export function BreakerReaders({ readers }: { readers: ProcessorReader[] }) {
  const groups = BREAKER_READERS.map((reader) => ({ reader, processors: readers.filter((p) => p.reader === reader) })).filter((g) => g.processors.length > 0);
  const only = groups.length === 1 ? groups[0]! : null;
  return (
    <section className="readers small" aria-labelledby="breaker-readers-heading" data-testid="breaker-readers">
      {only ? (
        <p data-testid={`reader-group-${only.reader}`}>
          <strong id="breaker-readers-heading">Breaker reader:</strong> <ReaderName reader={only.reader} /> for every processor — {readerMeaning(only.reader)}.
          Names written in reprocess_attempts: <WrittenList processors={only.processors} />
        </p>
      ) : (
        <>
          <p>
            <strong id="breaker-readers-heading">Breaker readers</strong> differ by processor; an override does what the processor&rsquo;s reader says:
          </p>
          <ul>
            {groups.map((g) => (
              <li key={g.reader} data-testid={`reader-group-${g.reader}`}>
                <ReaderName reader={g.reader} /> — {readerMeaning(g.reader)}: <WrittenList processors={g.processors} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
