/**
 * The CLI's only way to the data: the console's JSON API, with an API token. So the CLI follows
 * the console's roles, validation, idempotency and audit, and never opens the database file.
 */
import { errorBody } from "@/lib/errors";

export const EXIT = { ok: 0, refused: 1, usage: 2, server: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure with the exit code it ends the command with (0 ok, 1 refused or cancelled, 2 bad usage, 3 server or network). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export interface ApiClient {
  url: string;
  get<T>(path: string, query?: Record<string, string | undefined>): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}


function exitFor(status: number): ExitCode {
  if (status === 400 || status === 404 || status === 413 || status === 422) return EXIT.usage;
  if (status === 401 || status === 403 || status === 409) return EXIT.refused;
  return EXIT.server;
}

/**
 * What a refusal says. Every API refusal is `{ ok: false, code, error, fieldErrors? }`
 * (lib/errors.ts) and its `error` is the whole message for a person (an entity's refusal already
 * names the closest known id); anything else (a proxy's page, no body) is named by its status.
 */
function messageFor(status: number, body: unknown): string {
  const parsed = errorBody.pick({ error: true }).loose().safeParse(body);
  const base = parsed.success ? parsed.data.error : `HTTP ${status}`;
  if (status === 401) return `${base}. The token in COMPLETENESS_TOKEN was refused (unknown, revoked or malformed).`;
  return base;
}

export function createApiClient(url: string, token: string, fetchImpl: typeof fetch = fetch): ApiClient {
  const base = url.replace(/\/+$/, "");
  async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    let response: Response | undefined;
    const send = () =>
      fetchImpl(`${base}${path}`, {
        method,
        redirect: "manual",
        headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(120_000),
      });
    // A GET is sent once more when its connection was closed under it: a pooled keep-alive
    // connection the server closed while it sat idle (after a long request on another one)
    // fails the next request on it before the server sees it. A POST is never re-sent here.
    for (let tries = method === "GET" ? 2 : 1; response === undefined; ) {
      try {
        response = await send();
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        if (--tries > 0 && (cause === "UND_ERR_SOCKET" || cause === "ECONNRESET")) continue;
        throw new CliError(`Could not reach the console at ${base} (${cause}). Is it running? Set --url or COMPLETENESS_URL.`, EXIT.server);
      }
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (response.ok) {
      if (parsed === null) throw new CliError(`The console answered ${path} with something that is not JSON`, EXIT.server);
      return parsed as T;
    }
    throw new CliError(messageFor(response.status, parsed), exitFor(response.status), parsed);
  }
  return {
    url: base,
    get: (path, query = {}) => {
      const search = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
      return call("GET", search.size ? `${path}?${search}` : path);
    },
    post: (path, body) => call("POST", path, body),
  };
}
