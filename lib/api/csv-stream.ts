import "server-only";

import { type CsvColumn, csvField } from "@/lib/format";

/**
 * A CSV download streamed from the warehouse a chunk at a time: `chunks` yields the rows in
 * pages (read with LIMIT/OFFSET or a cursor), each encoded and sent before the next is read, so
 * the server holds one chunk however long the list. The stream pulls: a slow client slows the
 * reads, and a client that goes away stops them (the iterator is returned).
 *
 * A failure after the header was sent cannot change the status any more: the stream errors, the
 * download ends incomplete (browsers mark it failed), and the error is logged by the caller's
 * iterator. Failures before the first chunk should be caught by the caller, which answers them
 * as any read's refusal.
 */
export function csvStreamResponse<Row>(
  filename: string,
  columns: readonly CsvColumn<Row>[],
  chunks: AsyncIterable<readonly Row[]>,
  headers: Record<string, string> = {},
): Response {
  const encoder = new TextEncoder();
  const iterator = chunks[Symbol.asyncIterator]();
  let headerSent = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`${columns.map((c) => csvField(c.header)).join(",")}\r\n`));
        return;
      }
      const next = await iterator.next();
      if (next.done) {
        controller.close();
        return;
      }
      if (next.value.length === 0) return;
      let text = "";
      for (const row of next.value) text += `${columns.map((c) => csvField(c.value(row))).join(",")}\r\n`;
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
      ...headers,
    },
  });
}

/**
 * Every row of a paged read, one chunk at a time: calls `readPage(limit, offset)` until a page
 * comes back short. The read must have a total order, or rows could repeat or go missing
 * between chunks.
 */
export async function* chunked<Row>(readPage: (limit: number, offset: number) => Promise<readonly Row[]>, chunkSize = 5_000): AsyncGenerator<readonly Row[]> {
  for (let offset = 0; ; offset += chunkSize) {
    const rows = await readPage(chunkSize, offset);
    if (rows.length > 0) yield rows;
    if (rows.length < chunkSize) return;
  }
}
