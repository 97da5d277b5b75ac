import { type IncomingMessage, Server } from "node:http";

import { PEER_HOOK_FLAG } from "./client-address";

/**
 * Appends the socket's address to `X-Forwarded-For` on every request this process serves,
 * before Next sees it (Next keeps a client-sent header as it is and exposes no socket to route
 * handlers). Afterwards the rightmost entry is always the address that opened the connection,
 * which lib/security/client-address.ts builds on. Installed once, at start-up
 * (instrumentation.ts), on the prototype, so it covers the server Next has already created.
 */
export function installPeerAddressHook(): void {
  const holder = globalThis as Record<string, unknown>;
  if (holder[PEER_HOOK_FLAG] === true) return;
  const emit = Server.prototype.emit;
  Server.prototype.emit = function patchedEmit(this: Server, event: string | symbol, ...args: [unknown, ...unknown[]]) {
    if (event === "request") {
      const req = args[0] as IncomingMessage;
      const peer = req.socket?.remoteAddress;
      const sent = req.headers["x-forwarded-for"];
      if (peer) req.headers["x-forwarded-for"] = sent ? `${Array.isArray(sent) ? sent.join(", ") : sent}, ${peer}` : peer;
      else delete req.headers["x-forwarded-for"];
    }
    return (emit as (this: Server, event: string | symbol, ...rest: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
  holder[PEER_HOOK_FLAG] = true;
}
