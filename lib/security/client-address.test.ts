import { describe, expect, it } from "vitest";

import { clientAddress, parseTrustedProxies } from "./client-address";

/** X-Forwarded-For as the server sees it once the socket's address is appended. */
const xff = (...hops: string[]) => ({ "x-forwarded-for": hops.join(", ") });

describe("the client's address", () => {
  it("is the socket's address when no proxy is trusted, whatever the client wrote", () => {
    const none = parseTrustedProxies("0");
    expect(clientAddress(xff("1.2.3.4", "203.0.113.9"), none)).toBe("203.0.113.9");
    expect(clientAddress(xff("203.0.113.9"), none)).toBe("203.0.113.9");
  });

  it("with N trusted proxies, is the address the outermost of them saw", () => {
    const one = parseTrustedProxies("1");
    expect(clientAddress(xff("6.6.6.6", "198.51.100.7", "10.0.0.2"), one)).toBe("198.51.100.7");
    // Fewer hops than proxies: the leftmost is all there is (the client talked to a proxy directly).
    expect(clientAddress(xff("10.0.0.2"), parseTrustedProxies("3"))).toBe("10.0.0.2");
  });

  it("with trusted CIDRs, is the rightmost address that is not a trusted proxy", () => {
    const cidrs = parseTrustedProxies("10.0.0.0/8, 127.0.0.1/32, ::1/128");
    expect(clientAddress(xff("6.6.6.6", "198.51.100.7", "10.1.2.3", "127.0.0.1"), cidrs)).toBe("198.51.100.7");
    expect(clientAddress(xff("198.51.100.7", "::ffff:10.0.0.1"), cidrs)).toBe("198.51.100.7");
    expect(clientAddress(xff("198.51.100.7", "::1"), cidrs)).toBe("198.51.100.7");
    // Directly connected from outside: a forged header is not even looked at.
    expect(clientAddress(xff("10.0.0.1", "203.0.113.9"), cidrs)).toBe("203.0.113.9");
  });

  it("is unknown without the header", () => {
    expect(clientAddress({}, parseTrustedProxies("0"))).toBeNull();
  });

  it("refuses configuration it cannot read", () => {
    expect(() => parseTrustedProxies("-1")).toThrow();
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow();
    expect(() => parseTrustedProxies("example.com")).toThrow();
  });
});
