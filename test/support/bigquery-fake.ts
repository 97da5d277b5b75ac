/**
 * A small in-process fake of the BigQuery REST API (v2), for driving the real
 * `@google-cloud/bigquery` client in unit tests without a network or credentials.
 *
 * It listens on 127.0.0.1 on a random port, records every request (method, path, query
 * string, parsed JSON body) and answers the endpoints the client calls with scripted
 * responses: first whatever was `enqueue`d, in order, then the default. The responses are in
 * BigQuery's wire format — rows as `{ f: [{ v }] }`, every scalar as a string, TIMESTAMP as
 * int64 microseconds (what the client asks for with `formatOptions.useInt64Timestamp`) — so
 * that decoding goes through the client's own code.
 *
 * For fault and cost tests it can also answer per request (`respond`: a function of the
 * recorded request, e.g. by the job's `labels.query`), and emulate BigQuery's `requestId`
 * idempotency (`new BigQueryFake({ requestIds: true })`): a successful `jobs.query` is recorded in
 * `applied`, and a later request with the same requestId and the same query and parameters gets
 * the first answer again instead of being applied twice (a `jobFailed` error is remembered the same
 * way: the job exists, failed). A scripted answer with `lost` is applied
 * and then "lost" on the way back: the client receives `lost` (a 500, a dropped connection)
 * instead of the real answer — what a retry after a lost response must survive.
 *
 * Point the client at it with `apiEndpoint: fake.url` and `authClient: new PassThroughClient()`
 * (no credentials, no metadata probe). If `HTTP_PROXY`/`HTTPS_PROXY` is set, the client's HTTP layer
 * (teeny-request) routes even 127.0.0.1 through the proxy unless `NO_PROXY` names it.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

import type { BigQueryWarehouseOptions } from "@/lib/warehouse/bigquery";

export interface RecordedRequest {
  method: string;
  /** The path without the query string, e.g. `/bigquery/v2/projects/p/queries`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; `undefined` when there was none. */
  body: unknown;
}

export interface ScriptedResponse {
  /** HTTP status; 200 unless given. */
  status?: number;
  body?: unknown;
  /** Wait this long before answering (to exercise timeouts). */
  delayMs?: number;
  /** Destroy the connection instead of answering (a connection reset). */
  hangUp?: boolean;
  /**
   * The request is applied (this response is its real outcome, remembered for its requestId)
   * but the client receives `lost` instead: the response was lost on the way back.
   */
  lost?: ScriptedResponse;
  /**
   * An error that is a job's own failure (it ran and was rolled back, e.g. a transaction
   * aborted for a concurrent update), not a lost or refused request: with `requestIds`, a later
   * request with the same requestId gets this failure again, as BigQuery answers a duplicate
   * with its existing job (Google's clients re-issue a failed job under a new id for that reason).
   */
  jobFailed?: boolean;
}

/** Answers a routed request, or returns undefined to fall through to the default response. */
export type Responder = (request: RecordedRequest) => ScriptedResponse | undefined;

export interface BigQueryFakeOptions {
  /** Emulate BigQuery's requestId deduplication on `jobs.query` (see the module comment). */
  requestIds?: boolean;
}

/** The `jobs.query` body fields the fake reads. */
export interface QueryBody {
  query?: string;
  requestId?: string;
  labels?: Record<string, string>;
  maximumBytesBilled?: string;
  jobTimeoutMs?: string;
  queryParameters?: unknown[];
  [field: string]: unknown;
}

/** The body of a `jobs.query` request (an empty object for anything else). */
export function queryBody(request: RecordedRequest): QueryBody {
  return typeof request.body === "object" && request.body !== null ? (request.body as QueryBody) : {};
}

/** The job's `labels.query`: which query definition sent it (lib/warehouse/bigquery.ts labels every job). */
export function jobLabel(request: RecordedRequest): string | undefined {
  return queryBody(request).labels?.query;
}

/** A schema field, as BigQuery describes it. */
export interface FieldSpec {
  name: string;
  type: string;
  mode?: "NULLABLE" | "REQUIRED" | "REPEATED";
  fields?: FieldSpec[];
}

/** A cell value as a test writes it; encoded to the wire format by `rowsResponse`. */
export type CellValue = string | number | boolean | null | CellValue[] | { [field: string]: CellValue };

/**
 * A completed query with rows. Scalars are sent as strings like BigQuery does (numbers and
 * booleans are stringified); REPEATED fields take arrays, RECORD fields objects keyed by name.
 * Pass `extra` to add or override response fields (e.g. `jobReference`, `pageToken`).
 */
export function rowsResponse(
  fields: FieldSpec[],
  rows: Record<string, CellValue>[],
  extra: Record<string, unknown> = {},
): ScriptedResponse {
  return {
    body: {
      kind: "bigquery#queryResponse",
      schema: { fields },
      jobComplete: true,
      totalRows: String(rows.length),
      // Like the real API, an empty result has no `rows` key at all.
      ...(rows.length > 0 ? { rows: rows.map((row) => encodeRow(fields, row)) } : {}),
      queryId: "fake-query-id",
      ...extra,
    },
  };
}

/** A completed DML statement (`numDmlAffectedRows` is an int64, so a string on the wire). */
export function dmlResponse(affectedRows: number, extra: Record<string, unknown> = {}): ScriptedResponse {
  return {
    body: {
      kind: "bigquery#queryResponse",
      jobComplete: true,
      numDmlAffectedRows: String(affectedRows),
      jobReference: { projectId: "fake-project", jobId: "fake-dml-job", location: "US" },
      ...extra,
    },
  };
}

/** A query still running when the server stopped waiting: the client must poll the job. */
export function incompleteResponse(jobId: string, location = "US"): ScriptedResponse {
  return {
    body: {
      kind: "bigquery#queryResponse",
      jobComplete: false,
      jobReference: { projectId: "fake-project", jobId, location },
    },
  };
}

/** A Google API error: `{ error: { code, message, errors: [{ reason, message }] } }`. */
export function errorResponse(status: number, reason: string, message = `fake ${reason}`): ScriptedResponse {
  return {
    status,
    body: {
      error: {
        code: status,
        message,
        errors: [{ domain: "global", reason, message }],
        status: statusName(status),
      },
    },
  };
}

function statusName(status: number): string {
  if (status === 400) return "INVALID_ARGUMENT";
  if (status === 403) return "PERMISSION_DENIED";
  if (status === 404) return "NOT_FOUND";
  if (status === 409) return "ALREADY_EXISTS";
  if (status === 429) return "RESOURCE_EXHAUSTED";
  if (status >= 500) return "INTERNAL";
  return "UNKNOWN";
}

function encodeRow(fields: FieldSpec[], row: Record<string, CellValue>): { f: { v: unknown }[] } {
  return { f: fields.map((field) => ({ v: encodeCell(field, row[field.name] ?? null) })) };
}

function encodeCell(field: FieldSpec, value: CellValue): unknown {
  if (value === null) return null;
  if (field.mode === "REPEATED") {
    if (!Array.isArray(value)) throw new Error(`fake: REPEATED field ${field.name} needs an array`);
    return value.map((item) => ({ v: encodeCell({ ...field, mode: "NULLABLE" }, item) }));
  }
  if (field.type === "RECORD" || field.type === "STRUCT") {
    if (typeof value !== "object" || Array.isArray(value)) throw new Error(`fake: RECORD field ${field.name} needs an object`);
    return encodeRow(field.fields ?? [], value);
  }
  if (typeof value === "object") throw new Error(`fake: scalar field ${field.name} got ${JSON.stringify(value)}`);
  return String(value);
}

/** Paths the client calls; anything else gets a 404 and does not consume the queue. */
const ROUTES: { method: string; pattern: RegExp }[] = [
  { method: "POST", pattern: /^\/bigquery\/v2\/projects\/[^/]+\/queries$/ }, // jobs.query
  { method: "GET", pattern: /^\/bigquery\/v2\/projects\/[^/]+\/queries\/[^/]+$/ }, // jobs.getQueryResults
  { method: "POST", pattern: /^\/bigquery\/v2\/projects\/[^/]+\/jobs$/ }, // jobs.insert
  { method: "GET", pattern: /^\/bigquery\/v2\/projects\/[^/]+\/jobs\/[^/]+$/ }, // jobs.get
  { method: "POST", pattern: /^\/bigquery\/v2\/projects\/[^/]+\/jobs\/[^/]+\/cancel$/ }, // jobs.cancel
];

const DEFAULT_RESPONSE: ScriptedResponse = rowsResponse([], []);

const isQueryCall = (r: { method: string; path: string }) => r.method === "POST" && /\/queries$/.test(r.path);
const succeeded = (r: ScriptedResponse) => !r.hangUp && (r.status ?? 200) < 400;

/**
 * What makes two requests with one requestId duplicates (BigQuery: "all parameters in the
 * request that may affect the result"; timeouts do not).
 */
function duplicateKey(body: QueryBody): string {
  return JSON.stringify([body.requestId, body.query, body.queryParameters ?? [], body.useLegacySql, body.parameterMode]);
}

export class BigQueryFake {
  readonly requests: RecordedRequest[] = [];
  /** `jobs.query` requests that were applied (succeeded, and were not a duplicate of an earlier one). */
  readonly applied: RecordedRequest[] = [];
  /** How many `jobs.query` requests were answered from an earlier request with the same requestId. */
  deduplicated = 0;
  private queue: ScriptedResponse[] = [];
  private fallback: ScriptedResponse = DEFAULT_RESPONSE;
  private responder: Responder | undefined;
  private readonly outcomes = new Map<string, ScriptedResponse>();
  private readonly requestIds: boolean;
  private server: Server | undefined;
  private port = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();

  constructor(options: BigQueryFakeOptions = {}) {
    this.requestIds = options.requestIds ?? false;
  }

  /**
   * Options for a BigQuery adapter talking to this fake: a test project in US, 1 GiB billed at
   * most, 10 s timeout, logical dataset names, and back-off waits skipped; tests override what
   * they check.
   */
  warehouseOptions(overrides: Partial<BigQueryWarehouseOptions> = {}): BigQueryWarehouseOptions {
    return {
      projectId: "fake-project",
      location: "US",
      maximumBytesBilled: 1024 ** 3,
      timeoutMs: 10_000,
      apiEndpoint: this.url,
      datasets: {},
      sleep: async () => {},
      ...overrides,
    };
  }

  /** `http://127.0.0.1:PORT`, for the client's `apiEndpoint`. */
  get url(): string {
    if (!this.server) throw new Error("fake: not started");
    return `http://127.0.0.1:${this.port}`;
  }

  /** Script the next responses, answered in order (one per routed request). */
  enqueue(...responses: ScriptedResponse[]): this {
    this.queue.push(...responses);
    return this;
  }

  /** The response once the queue is empty (initially: an empty, completed result). */
  setDefault(response: ScriptedResponse): this {
    this.fallback = response;
    return this;
  }

  /**
   * Answer routed requests with `responder` once the queue is empty (before the default); it
   * returns undefined to fall through. `undefined` removes it.
   */
  respond(responder: Responder | undefined): this {
    this.responder = responder;
    return this;
  }

  /** Forget recorded requests, applied requests and scripted responses (between tests). */
  reset(): void {
    this.requests.length = 0;
    this.applied.length = 0;
    this.deduplicated = 0;
    this.outcomes.clear();
    this.queue = [];
    this.fallback = DEFAULT_RESPONSE;
    this.responder = undefined;
  }

  /** The recorded `jobs.query` calls (`POST …/queries`), optionally only those labelled `label`. */
  queryCalls(label?: string): RecordedRequest[] {
    return this.requests.filter((r) => isQueryCall(r) && (label === undefined || jobLabel(r) === label));
  }

  /** How many scripted responses have not been used yet. */
  get pending(): number {
    return this.queue.length;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://fake");
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = undefined;
        if (text) {
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        }
        const method = req.method ?? "GET";
        const recorded: RecordedRequest = {
          method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body,
        };
        this.requests.push(recorded);
        const routed = ROUTES.some((r) => r.method === method && r.pattern.test(url.pathname));
        if (!routed) {
          this.answer(res, errorResponse(404, "notFound", `fake: no route for ${method} ${url.pathname}`));
          return;
        }
        this.answer(res, this.outcomeOf(recorded));
      });
    });
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // The client keeps connections alive (teeny-request `forever: true`): close them, or
    // `server.close()` would wait for their idle timeout.
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The response to a routed request: a duplicate's remembered outcome, else the next scripted one. */
  private outcomeOf(request: RecordedRequest): ScriptedResponse {
    const body = queryBody(request);
    const dedupe = this.requestIds && isQueryCall(request) && typeof body.requestId === "string";
    if (dedupe) {
      const earlier = this.outcomes.get(duplicateKey(body));
      if (earlier) {
        this.deduplicated++;
        return earlier;
      }
    }
    const scripted = this.queue.shift() ?? this.responder?.(request) ?? this.fallback;
    if (dedupe && scripted.jobFailed) this.outcomes.set(duplicateKey(body), { ...scripted, delayMs: 0 });
    if (!isQueryCall(request) || !succeeded(scripted)) return scripted;
    // Applied: the real outcome is remembered; the client may still receive something else.
    const { lost, ...outcome } = scripted;
    this.applied.push(request);
    if (dedupe) this.outcomes.set(duplicateKey(body), { ...outcome, delayMs: 0 });
    return lost ?? outcome;
  }

  private answer(res: ServerResponse, scripted: ScriptedResponse): void {
    const send = () => {
      if (res.destroyed || res.writableEnded) return; // the client gave up (timeout)
      if (scripted.hangUp) {
        res.socket?.destroy();
        return;
      }
      const payload = JSON.stringify(scripted.body ?? {});
      res.writeHead(scripted.status ?? 200, {
        "content-type": "application/json; charset=UTF-8",
        "content-length": Buffer.byteLength(payload),
      });
      res.end(payload);
    };
    if (scripted.delayMs && scripted.delayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        send();
      }, scripted.delayMs);
      this.timers.add(timer);
    } else {
      send();
    }
  }
}
