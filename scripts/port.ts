/**
 * The port `npm start` serves on: the first argument (`npm start -- 4000`), else `PORT`
 * (`PORT=4000 npm start`, what hosting platforms set), else 3000. A value that is not a whole
 * number from 1 to 65535 is refused with a message naming where it came from, rather than
 * handed to `next start`, which would fail later and less clearly. Pure.
 */
export const DEFAULT_PORT = 3000;

export class PortError extends Error {}

export function resolvePort(args: readonly string[], env: { PORT?: string }): number {
  const positional = args.find((a) => !a.startsWith("-"));
  const [value, source] = positional !== undefined ? [positional, "the argument"] : env.PORT?.trim() ? [env.PORT.trim(), "PORT"] : [String(DEFAULT_PORT), "the default"];
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new PortError(`${source} must be a port number from 1 to 65535, not ${JSON.stringify(value)}`);
  return port;
}
