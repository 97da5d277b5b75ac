import { hostname, networkInterfaces } from "node:os";

import { getEnv } from "@/lib/env";

import { type HostPolicy, hostPolicy, isAllowedHost } from "./allowed-hosts";

/**
 * The request rules the proxy and the API share, bound to the configuration: which Host names
 * the console answers to, which Origins count as its own, which methods it serves.
 */
export const ALLOWED_METHODS = ["GET", "HEAD", "POST"] as const;

let cached: HostPolicy | undefined;
export function currentHostPolicy(): HostPolicy {
  if (cached) return cached;
  const env = getEnv();
  // Link-local IPv6 addresses need a zone (`%eth0`) no Host header can carry: left out.
  const machineAddresses = Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i && !(i.family === "IPv6" && i.scopeid) ? [i.address] : []));
  cached = hostPolicy({ nextAuthUrl: env.NEXTAUTH_URL, allowedHosts: env.ALLOWED_HOSTS, embedded: env.WAREHOUSE === "embedded", machineHostname: hostname(), machineAddresses });
  return cached;
}

/**
 * Whether an Origin is one of the console's own: an http(s) origin whose host is allowed and is
 * the host the request was sent to. Comparing with the Host alone proves nothing under DNS
 * rebinding (the page's name is both); the allowed-hosts list is what a rebinding page lacks.
 */
export function isOwnOrigin(origin: string, requestHost: string | null, policy: HostPolicy = currentHostPolicy()): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (!isAllowedHost(url.host, policy)) return false;
  return requestHost === null || url.host.toLowerCase() === requestHost.trim().toLowerCase();
}
