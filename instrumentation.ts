/** Runs once when the server starts; the checks live in a Node-only module. */
export async function register() {
  // NEXT_RUNTIME is Next's own marker of the runtime, not configuration.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First: every request after this passes the request gate (lib/security/request-gate.ts).
    const { installRequestGate } = await import("./lib/security/request-gate");
    installRequestGate();
    const { checkConfigurationOrExit } = await import("./lib/startup");
    checkConfigurationOrExit();
  }
}
