import { describe, expect, it } from "vitest";

import { contentSecurityPolicy, isPublicPath, securityHeaders } from "./headers";

describe("security headers", () => {
  it("allows scripts only by nonce in production: no unsafe-inline, no unsafe-eval", () => {
    const csp = contentSecurityPolicy("abc123", { dev: false, https: true });
    const scripts = csp.split("; ").find((d) => d.startsWith("script-src"))!;
    expect(scripts).toContain("'nonce-abc123'");
    expect(scripts).not.toContain("unsafe-inline");
    expect(scripts).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });

  it("sends HSTS only over HTTPS, and the fixed headers always", () => {
    expect(securityHeaders("x", true)["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
    const plain = securityHeaders("x", false);
    expect(plain["Strict-Transport-Security"]).toBeUndefined();
    expect(plain).toMatchObject({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin", "X-Frame-Options": "DENY" });
  });

  it("keeps pages and data behind sign-in, and sign-in itself open", () => {
    expect(isPublicPath("/login")).toBe(true);
    expect(isPublicPath("/api/auth/callback/google")).toBe(true);
    expect(isPublicPath("/api/health")).toBe(true);
    expect(isPublicPath("/")).toBe(false);
    expect(isPublicPath("/breakers")).toBe(false);
    expect(isPublicPath("/api/v1/monitoring/health")).toBe(false);
    expect(isPublicPath("/loginx")).toBe(false);
  });
});
