/** Runs once when the server starts; the checks live in a Node-only module. */
export async function register() {
  // NEXT_RUNTIME is Next's own marker of the runtime, not configuration.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First: every request after this carries the socket's address (lib/security/peer-hook.ts).
    const { installPeerAddressHook } = await import("./lib/security/peer-hook");
    installPeerAddressHook();
    const { checkConfigurationOrExit } = await import("./lib/startup");
    checkConfigurationOrExit();
  }
}
