import { type BreakerReader, overrideConsequence } from "@/lib/completeness/deployment";

/**
 * A breaker reader's name (`original`, `console`); its title says what an override does under
 * it, in the words the override form uses. What the reader is stays in the visible text beside
 * it (`readerMeaning`): a title alone reaches neither touch screens nor every screen reader.
 */
export function ReaderName({ reader }: { reader: BreakerReader }) {
  return (
    <strong className="reader-name" title={`${reader}: ${overrideConsequence(reader)}`} data-reader={reader}>
      {reader}
    </strong>
  );
}
