import { chmodSync, existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * The embedded database's directory holds the database and the session-signing secret, which
 * is enough to forge an admin session: nobody else on the host may read it. The directory is
 * made 0700 and every file in it 0600 (the owner only); each one found looser is named in the
 * returned warnings (start-up logs them), also when it could not be tightened.
 */
export function secureDataDirectory(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const warnings: string[] = [];
  const tighten = (target: string, wanted: number) => {
    const current = statSync(target).mode & 0o777;
    if ((current & ~wanted) === 0) return;
    const shown = `0${current.toString(8)}`;
    try {
      chmodSync(target, wanted);
      warnings.push(`${target} was readable by others (${shown}); changed to 0${wanted.toString(8)}`);
    } catch (error) {
      warnings.push(`${target} is readable by others (${shown}) and could not be changed: ${(error as Error).message}`);
    }
  };
  tighten(dir, 0o700);
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isFile()) tighten(file, 0o600);
  }
  return warnings;
}
