import { z } from "zod";

/**
 * The one owner of what a refusal is: its code, the HTTP status that code answers with, and the
 * one JSON shape every API refusal has — `{ ok: false, code, error, fieldErrors? }`. Write
 * actions return it, read routes answer it (lib/api/handler.ts: `readRoute`, `writeRoute`), the
 * proxy and the request gate refuse with it, the OpenAPI document describes it and the CLI reads
 * it. `error` is for a person and always safe to show: no SQL, no stack, no warehouse detail
 * (that is logged on the server). Client-safe: imports nothing of the server.
 */
export const HTTP_STATUS = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  // The rows kept changing while the write was applied: nothing was written; send it again.
  stale: 409,
  // A streamed body (no Content-Length) is refused before it is read.
  length_required: 411,
  too_large: 413,
  // The request went to a host name this console does not answer to.
  wrong_host: 421,
  // The request id names another request: the client's mistake, and nothing was written.
  reused: 422,
  failed: 500,
  // The warehouse did not answer: nothing was decided or written; retry later.
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof HTTP_STATUS;
export const ERROR_CODES = Object.keys(HTTP_STATUS) as [ErrorCode, ...ErrorCode[]];

/** A refusal: what an action returns and what an API route answers, with HTTP_STATUS[code]. */
export type ApiError = {
  ok: false;
  code: ErrorCode;
  error: string;
  /** Every field at fault by dotted path, when the input is to blame. */
  fieldErrors?: Record<string, string[]>;
};

/** The body of every refusal, as zod reads it (the OpenAPI `Error` schema is made from it). */
export const errorBody = z
  .object({
    ok: z.literal(false),
    code: z.enum(ERROR_CODES).describe("What went wrong, for a program; the status says it too."),
    error: z.string().describe("What went wrong, for a person: safe to log and show."),
    fieldErrors: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .describe("Every field at fault, by dotted path (`outcomes.3.reason`); `body` for the body as a whole."),
  })
  .strict();

export function refusal(code: ErrorCode, error: string, fieldErrors?: Record<string, string[]>): ApiError {
  return fieldErrors ? { ok: false, code, error, fieldErrors } : { ok: false, code, error };
}

/** A refusal of one field: `error` is the message as given, `fieldErrors` names the field. */
export function fieldRefusal(field: string, error: string, code: ErrorCode = "invalid"): ApiError {
  return refusal(code, error, { [field]: [error] });
}

/** Each field's messages, by dotted path (`body` when the input as a whole is wrong). */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.join(".") : "body";
    (out[field] ??= []).push(issue.message);
  }
  return out;
}

/** An input zod refused: `error` names the first field and its first message. */
export function invalid(error: z.ZodError): ApiError {
  const fieldErrors = fieldErrorsOf(error);
  const [field, messages] = Object.entries(fieldErrors)[0]!;
  return refusal("invalid", `${field} ${messages[0]}`, fieldErrors);
}
