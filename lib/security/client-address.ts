import { BlockList, isIP } from "node:net";

/**
 * Who is on the other end of a request, for the sign-in lockout and the loopback-only metrics.
 *
 * Next's route handlers do not expose the socket, and `next start` copies the socket's address
 * into `X-Forwarded-For` only when the request carries none — a client that sends its own
 * header replaces it. So the console appends the socket's address itself
 * (lib/security/request-gate.ts, installed at start-up): the LAST entry of `X-Forwarded-For` is
 * always the address that opened the connection, and everything left of it was written by
 * whoever sent the request. `TRUSTED_PROXIES` says how much of that to believe:
 *
 * - `0` (the default): nothing — the client is the socket's address (the rightmost entry);
 * - a count `N`: N proxies in front, each appending the address it saw — the client is the
 *   entry N places left of the rightmost (or the leftmost, when there are fewer);
 * - CIDRs (`10.0.0.0/8,::1/128`): the client is the rightmost address that is not inside one
 *   of them, so only addresses a trusted proxy appended are ever skipped.
 */
export type TrustedProxies = { kind: "count"; count: number } | { kind: "cidrs"; list: BlockList; text: string };

/**
 * The request gate (lib/security/request-gate.ts) keeps a random value per process under this
 * key and stamps every request it sees with it in this header, overwriting any a client sent.
 */
export const GATE_KEY = "__completenessRequestGate";
export const GATE_HEADER = "x-completeness-gate";

/**
 * Whether this request went through the gate, so its last X-Forwarded-For entry is the socket's
 * address. Not so for a server without it (tests, `next dev` before start-up finished): then
 * nothing the headers say about the address can be believed.
 */
export function passedGate(headers: Headers | Record<string, unknown> | undefined): boolean {
  const stamp = (globalThis as Record<string, unknown>)[GATE_KEY];
  const value = headers instanceof Headers ? headers.get(GATE_HEADER) : headers?.[GATE_HEADER];
  return typeof stamp === "string" && value === stamp;
}

/** `::ffff:10.0.0.1` is IPv4's 10.0.0.1 seen through an IPv6 socket. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().replace(/^\[(.*)\]$/, "$1");
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return (mapped ? mapped[1]! : trimmed).toLowerCase();
}

export function parseTrustedProxies(value: string): TrustedProxies {
  const text = value.trim() || "0";
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count > 10) throw new Error("must be a count of proxies (0–10) or a comma-separated list of CIDRs");
    return { kind: "count", count };
  }
  const list = new BlockList();
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [address = "", prefixText] = part.split("/");
    const family = isIP(address);
    const prefix = prefixText === undefined ? (family === 6 ? 128 : 32) : Number(prefixText);
    if (family === 0 || !/^\d*$/.test(prefixText ?? "") || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      throw new Error(`must be a count of proxies (0–10) or a comma-separated list of CIDRs; ${JSON.stringify(part)} is neither`);
    }
    list.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return { kind: "cidrs", list, text };
}

function trusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address from `X-Forwarded-For` as the server holds it (socket address last), or
 * null when there is none. `headers`: a `Headers`, or next-auth's plain header object.
 */
export function clientAddress(headers: Headers | Record<string, unknown> | undefined, trust: TrustedProxies): string | null {
  const raw = headers instanceof Headers ? headers.get("x-forwarded-for") : headers?.["x-forwarded-for"];
  const value = Array.isArray(raw) ? raw.join(",") : raw;
  if (typeof value !== "string") return null;
  const hops = value.split(",").map(normalizeAddress).filter(Boolean);
  if (hops.length === 0) return null;
  if (trust.kind === "count") return hops[Math.max(0, hops.length - 1 - trust.count)]!;
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted(trust.list, hops[i]!)) return hops[i]!;
  return hops[0]!;
}
