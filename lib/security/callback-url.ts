/**
 * Where the browser goes after signing in. Only a path on the console's own origin is followed:
 * the value is parsed as a browser would parse it (`new URL(value, origin)`, which reads `\` as
 * `/` and drops TABs and line breaks, so `/\evil.example/` and `/<TAB>/evil.example` are other
 * hosts) and kept only when the origin did not change. The normalised path is returned, never the
 * raw value, so what the browser follows is what was checked. Pure and client-safe.
 */
const PROBE_ORIGIN = "http://console.invalid";

export function isSameOriginCallback(value: string, origin: string): boolean {
  try {
    return new URL(value, origin).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}

/** A same-origin path (`/breakers?x=1#y`), or `/` for anything else. */
export function safeCallbackPath(value: string | undefined | null): string {
  if (!value || !value.startsWith("/")) return "/";
  if (!isSameOriginCallback(value, PROBE_ORIGIN)) return "/";
  const url = new URL(value, PROBE_ORIGIN);
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * next-auth's `redirect` callback: an absolute URL on the base origin, a path resolved on it, or
 * the base URL. Never throws (next-auth's default throws on a value `new URL` cannot parse).
 */
export function redirectWithinOrigin({ url, baseUrl }: { url: string; baseUrl: string }): string {
  try {
    const target = new URL(url, `${baseUrl}/`);
    if (target.origin !== new URL(baseUrl).origin) return baseUrl;
    if (url.startsWith("/") || /^https?:/i.test(url)) return target.href;
    return `${baseUrl}${safeCallbackPath(`/${url}`)}`;
  } catch {
    return baseUrl;
  }
}
