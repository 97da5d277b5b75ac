/** Runs once when the server starts; the checks live in a Node-only module. */
export async function register() {
  // NEXT_RUNTIME is Next's own marker of the runtime, not configuration.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First: every request after this passes the request gate (lib/security/request-gate.ts),
    // which verifies the credentials of a request with a body before Next reads it.
    const { installRequestGate } = await import("./lib/security/request-gate");
    const { requestCredentialsValid } = await import("./lib/auth/request-credentials");
    installRequestGate({ verify: requestCredentialsValid });
    // Sign-in returns to the origin the browser used: next-auth v4 takes NEXTAUTH_URL when set
    // (behind a proxy, the public URL), and otherwise — only with AUTH_TRUST_HOST — the request's
    // X-Forwarded-Host and X-Forwarded-Proto. The proxy refuses any host the console does not
    // answer to and sets those two headers itself (lib/security/proxy-handler.ts), so they can be
    // trusted; without it next-auth would send every sign-in to http://localhost:3000.
    process.env.AUTH_TRUST_HOST ??= "true";
    // An empty NEXTAUTH_URL (as .env.example leaves it) is unset, as lib/env.ts reads it;
    // next-auth's client module, rendered on the server, would parse "" as a URL and fail.
    if (process.env.NEXTAUTH_URL === "") delete process.env.NEXTAUTH_URL;
    // Every warehouse call is counted for GET /metrics from the first request on: loading the
    // registry installs its timer in the warehouse layer.
    await import("./lib/metrics/registry");
    const { checkConfigurationOrExit } = await import("./lib/startup");
    checkConfigurationOrExit();
  }
}
