/** Runs once when the server starts; the checks live in a Node-only module. */
export async function register() {
  // NEXT_RUNTIME is Next's own marker of the runtime, not configuration.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First: every request after this passes the request gate (lib/security/request-gate.ts),
    // which verifies the credentials of a request with a body before Next reads it.
    const { installRequestGate } = await import("./lib/security/request-gate");
    const { requestCredentialsValid } = await import("./lib/auth/request-credentials");
    installRequestGate({ verify: requestCredentialsValid });
    const { checkConfigurationOrExit } = await import("./lib/startup");
    checkConfigurationOrExit();
  }
}
