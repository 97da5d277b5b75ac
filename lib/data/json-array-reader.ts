import "server-only";

/**
 * The elements of a JSON array read from its text a piece at a time: `push` a piece, get back the
 * elements it completed (parsed); the start of an element cut by the piece's end waits for the
 * next piece. So an audit record's keys_json of thousands of keys is parsed as it is read in
 * stretches, and a prefix of it (the first characters only) yields its first complete keys.
 *
 * It tracks strings (a `]`, `}` or `,` inside a string is text) and nesting depth; it does not
 * validate: each element's text is handed to JSON.parse, which does.
 */
export class JsonArrayReader<T = unknown> {
  /** Text not yet consumed: from the start of the current element (or the scan position). */
  private text = "";
  /** Where the scan continues in `text`. */
  private at = 0;
  /** Where the current element starts in `text`, -1 between elements. */
  private start = -1;
  /** 0 before the array's `[`, 1 inside it, more inside an element. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  private closed = false;

  /** The elements the piece completes, in order. */
  push(piece: string): T[] {
    const out: T[] = [];
    this.text += piece;
    const { text } = this;
    for (let i = this.at; i < text.length && !this.closed; i++) {
      const c = text[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === "\\") this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (c === " " || c === "\n" || c === "\r" || c === "\t") continue;
      if (this.depth === 0) {
        if (c !== "[") throw new SyntaxError(`A JSON array must start with "[", not "${c}"`);
        this.depth = 1;
        continue;
      }
      if (this.depth === 1 && (c === "," || c === "]")) {
        if (this.start >= 0) out.push(JSON.parse(text.slice(this.start, i)) as T);
        this.start = -1;
        if (c === "]") this.closed = true;
        continue;
      }
      if (this.start < 0) this.start = i;
      if (c === '"') this.inString = true;
      else if (c === "{" || c === "[") this.depth++;
      else if (c === "}" || c === "]") this.depth--;
    }
    // Keep only what the next piece may still need: the current element's text.
    const keep = this.start >= 0 ? this.start : text.length;
    this.text = text.slice(keep);
    this.at = text.length - keep;
    if (this.start >= 0) this.start = 0;
    return out;
  }

  /** Whether the array's closing `]` was read. */
  get done(): boolean {
    return this.closed;
  }
}

/** The complete elements at the start of a JSON array's text (all of them when the text is whole). */
export function leadingElements<T>(prefix: string): T[] {
  return new JsonArrayReader<T>().push(prefix);
}
