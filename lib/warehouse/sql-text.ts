/**
 * A small lexer for BigQuery SQL text: enough to find `@name` parameters and dataset-qualified
 * table names *outside* string literals, quoted identifiers and comments, so that rewriting them
 * can never change a literal such as `'user@example.com'` or a comment mentioning `@date`.
 *
 * Handles: '...' and "..." strings (backslash escapes, as in BigQuery), triple-quoted strings,
 * raw/bytes prefixes (they lex as the same quoted forms), `backquoted` identifiers,
 * -- and # line comments, and block comments.
 */

export type Segment = { kind: "code" | "string" | "identifier" | "comment"; text: string };

export function splitSql(sql: string): Segment[] {
  const segments: Segment[] = [];
  let code = "";
  let i = 0;
  const flushCode = () => {
    if (code) segments.push({ kind: "code", text: code });
    code = "";
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === "-" && next === "-") {
      flushCode();
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      segments.push({ kind: "comment", text: sql.slice(i, stop) });
      i = stop;
    } else if (ch === "#") {
      flushCode();
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      segments.push({ kind: "comment", text: sql.slice(i, stop) });
      i = stop;
    } else if (ch === "/" && next === "*") {
      flushCode();
      const end = sql.indexOf("*/", i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      segments.push({ kind: "comment", text: sql.slice(i, stop) });
      i = stop;
    } else if (ch === "'" || ch === '"') {
      flushCode();
      const triple = sql.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      let j = i + quote.length;
      while (j < sql.length) {
        if (sql[j] === "\\") {
          j += 2;
          continue;
        }
        if (sql.startsWith(quote, j)) {
          j += quote.length;
          break;
        }
        j++;
      }
      segments.push({ kind: "string", text: sql.slice(i, Math.min(j, sql.length)) });
      i = j;
    } else if (ch === "`") {
      flushCode();
      const end = sql.indexOf("`", i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      segments.push({ kind: "identifier", text: sql.slice(i, stop) });
      i = stop;
    } else {
      code += ch;
      i++;
    }
  }
  flushCode();
  return segments;
}

const PARAM = /(^|[^@\w])@([A-Za-z_][A-Za-z0-9_]*)/g;

/** Rewrite every `@name` parameter in code (not in strings or comments) with `replace(name)`. */
export function rewriteParams(sql: string, replace: (name: string) => string): string {
  return splitSql(sql)
    .map((s) => (s.kind === "code" ? s.text.replace(PARAM, (_m, pre: string, name: string) => pre + replace(name)) : s.text))
    .join("");
}

/** The names of the `@params` a statement uses, in order of first use. */
export function paramNames(sql: string): string[] {
  const names: string[] = [];
  rewriteParams(sql, (name) => {
    if (!names.includes(name)) names.push(name);
    return name;
  });
  return names;
}

/**
 * Replace dataset qualifiers (`nba_raw.` → `prod_raw.`) in code. Only the names in `map` are
 * touched, and only where they stand as a whole word directly before a dot.
 */
export function rewriteDatasets(sql: string, map: Record<string, string>): string {
  const names = Object.keys(map).filter((k) => map[k] !== k);
  if (names.length === 0) return sql;
  const re = new RegExp(`(^|[^\\w.])(${names.join("|")})\\.(?=[A-Za-z_])`, "g");
  return splitSql(sql)
    .map((s) => (s.kind === "code" ? s.text.replace(re, (_m, pre: string, ds: string) => `${pre}${map[ds]}.`) : s.text))
    .join("");
}

/** Split a script into statements on top-level semicolons (not inside strings or comments). */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = "";
  for (const s of splitSql(sql)) {
    if (s.kind !== "code") {
      current += s.text;
      continue;
    }
    const parts = s.text.split(";");
    current += parts[0];
    for (const part of parts.slice(1)) {
      out.push(current);
      current = part;
    }
  }
  out.push(current);
  return out
    .map((st) => st.trim())
    .filter((st) => splitSql(st).some((seg) => seg.kind !== "comment" && seg.text.trim() !== ""));
}
