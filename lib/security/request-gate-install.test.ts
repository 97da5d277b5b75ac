/**
 * The installed gate on a real Node HTTP server: a request with a body reaches the handler only
 * once its credentials are verified; forged ones are answered 401 and a failed check 503, without
 * the handler (Next) ever seeing the request or its body. Bodiless requests are not held back.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { installRequestGate } from "./request-gate";

const handled: string[] = [];
const checked: string[] = [];
let server: Server;
let port: number;

beforeAll(async () => {
  installRequestGate({
    verify: async (path, headers) => {
      checked.push(path);
      const cookie = String(headers.cookie ?? "");
      if (cookie.includes("broken")) throw new Error("warehouse down");
      return cookie.includes("next-auth.session-token=good");
    },
  });
  server = createServer((req, res) => {
    handled.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends the headers and `sent` bytes of a body declared `declared` bytes long; the rest never comes. */
function send(method: string, path: string, cookie: string, declared?: number, sent = ""): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: { cookie, ...(declared !== undefined ? { "content-length": String(declared) } : {}) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => undefined);
    setTimeout(() => reject(new Error("no answer in 3 s")), 3_000).unref();
    if (sent) req.write(sent);
    if (declared === undefined || sent.length === declared) req.end();
  });
}

describe("the installed request gate", () => {
  it("answers a forged session's body 401 before the handler sees it, whatever its size", async () => {
    handled.length = 0;
    expect(await send("POST", "/api/v1/breakers/override", "next-auth.session-token=forged", 2048, "{")).toBe(401);
    expect(await send("POST", "/api/v1/breakers/override", "next-auth.session-token=forged", 5 * 1024 * 1024, "{")).toBe(401);
    expect(handled).toEqual([]);
  });

  it("answers 503 when the credentials could not be checked, never passing the body on", async () => {
    handled.length = 0;
    expect(await send("POST", "/api/v1/breakers/override", "next-auth.session-token=broken", 2, "{}")).toBe(503);
    expect(handled).toEqual([]);
  });

  it("hands a verified session's body to the handler; over the limit it is 413 after the check", async () => {
    handled.length = 0;
    expect(await send("POST", "/api/v1/breakers/override?x=1", "next-auth.session-token=good", 2, "{}")).toBe(200);
    expect(handled).toEqual(["POST /api/v1/breakers/override?x=1"]);
    expect(await send("POST", "/api/v1/breakers/override", "next-auth.session-token=good", 5 * 1024 * 1024, "{")).toBe(413);
  });

  it("never holds back a bodiless request to check its credentials", async () => {
    checked.length = 0;
    handled.length = 0;
    expect(await send("GET", "/api/v1/audit", "next-auth.session-token=forged")).toBe(200);
    expect(await send("POST", "/api/v1/tokens/revoke", "next-auth.session-token=forged", 0)).toBe(200);
    expect(checked).toEqual([]);
    expect(handled).toHaveLength(2);
  });
});
