import { chmodSync, existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * The embedded database and the session-signing secret beside it (enough to forge an admin
 * session) are for this user only. Tightened to 0600: the database file and its companions
 * (`<db>.wal`, `<db>.demo.json`, `<db>.lock`, … — every file whose name starts with the
 * database's) and `.auth-secret`. The directory is made 0700 only when it holds nothing but
 * those and subfolders (the default `data/`): a database configured into a shared folder (the repository
 * root, a home directory, /tmp) must never have that folder's other files changed, so there a
 * looser folder is only warned about. Each change, and each looser file that could not be
 * changed, is returned as a warning (start-up logs them).
 */
export function secureDatabaseFiles(dbPath: string): string[] {
  const dir = path.dirname(dbPath);
  if (!existsSync(dir)) return [];
  const warnings: string[] = [];
  const base = path.basename(dbPath);
  const ours = (name: string) => name === ".auth-secret" || name.startsWith(base);
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
  const entries = readdirSync(dir);
  // Subfolders (data/e2e, the tests' databases) do not make the folder shared; other files do.
  if (entries.every((name) => ours(name) || statSync(path.join(dir, name)).isDirectory())) tighten(dir, 0o700);
  else if ((statSync(dir).mode & 0o077) !== 0) {
    warnings.push(`${dir} holds other files and is readable by others: its own permissions are left alone (keep the database in a directory of its own, such as data/)`);
  }
  for (const name of entries.filter(ours)) {
    const file = path.join(dir, name);
    if (statSync(file).isFile()) tighten(file, 0o600);
  }
  return warnings;
}
