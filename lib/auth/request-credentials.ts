import "server-only";

import type { IncomingHttpHeaders } from "node:http";

import { actorOfToken } from "./api-tokens";
import { actorFromCookies, parseCookieHeader } from "./session";

/**
 * The request gate's check of a request with a body (lib/security/request-gate.ts), before Next
 * reads the body: the same credentials, by the same rules, as the route that would handle it.
 * The API takes a bearer token when one is sent (then only the token counts, as in
 * lib/api/handler.ts) and the session cookie otherwise; a page (a server action) takes the
 * session cookie only. Rejects when it cannot tell (the token table or the sign-outs could not
 * be read): the gate then answers 503, never lets the body through unchecked.
 */
export async function requestCredentialsValid(path: string, headers: IncomingHttpHeaders): Promise<boolean> {
  const authorization = headers.authorization;
  if (path.startsWith("/api/") && authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? (await actorOfToken(match[1]!)) !== null : false;
  }
  let jar: Map<string, string>;
  try {
    jar = parseCookieHeader(typeof headers.cookie === "string" ? headers.cookie : null);
  } catch {
    return false; // a cookie that is not valid percent-encoding is no session
  }
  return (await actorFromCookies((name) => jar.get(name))) !== null;
}
