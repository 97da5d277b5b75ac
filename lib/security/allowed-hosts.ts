/**
 * The Host names the console answers to. A browser page on another name (a DNS-rebinding page
 * whose name now points at the console) sends its own name as Host and as Origin, so comparing
 * the two proves nothing: the Host itself must be one of ours. Allowed: NEXTAUTH_URL's host,
 * ALLOWED_HOSTS, and on the embedded demo this machine's loopback names, host name and network
 * addresses (the `Network:` URL `next start` prints): a rebinding page cannot make the browser
 * send those, since its Host is always its own name. Pure; the proxy applies it.
 */
export interface HostPolicy {
  hosts: ReadonlySet<string>;
  /** Names accepted on any port (the embedded demo's loopback names and host name). */
  anyPort: ReadonlySet<string>;
}

const HOST_PATTERN = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)(?::\d{1,5})?$/i;

export function parseAllowedHosts(value: string): string[] {
  const hosts = value
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const host of hosts) {
    if (!HOST_PATTERN.test(host)) throw new Error(`must be comma-separated host names with an optional port; ${JSON.stringify(host)} is not one`);
  }
  return hosts;
}

export function hostPolicy(options: {
  nextAuthUrl?: string;
  allowedHosts: string;
  embedded: boolean;
  machineHostname: string;
  /** This machine's interface addresses (IPv6 ones unbracketed, as `os.networkInterfaces()` gives them). */
  machineAddresses?: readonly string[];
}): HostPolicy {
  const hosts = new Set(parseAllowedHosts(options.allowedHosts));
  if (options.nextAuthUrl) hosts.add(new URL(options.nextAuthUrl).host.toLowerCase());
  const anyPort = new Set<string>();
  if (options.embedded) {
    const addresses = (options.machineAddresses ?? []).map((a) => (a.includes(":") ? `[${a.toLowerCase()}]` : a));
    for (const name of ["localhost", "127.0.0.1", "[::1]", options.machineHostname.toLowerCase(), ...addresses]) if (name && HOST_PATTERN.test(name)) anyPort.add(name);
  }
  return { hosts, anyPort };
}

export function isAllowedHost(host: string | null, policy: HostPolicy): boolean {
  if (!host) return false;
  const value = host.trim().toLowerCase();
  if (!HOST_PATTERN.test(value)) return false;
  if (policy.hosts.has(value)) return true;
  const name = value.replace(/:\d{1,5}$/, "");
  return policy.anyPort.has(name) || policy.hosts.has(name);
}
