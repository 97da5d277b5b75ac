#!/usr/bin/env node
// `npx completeness …` (package.json "bin"): runs the TypeScript CLI (cli/run.mts) with tsx,
// using the project's tsconfig so its `@/` imports resolve from any working directory. stdio is
// inherited, so prompts and terminal detection behave as if the CLI ran directly.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = createRequire(import.meta.url).resolve("tsx/cli");
const result = spawnSync(
  process.execPath,
  [tsx, "--tsconfig", `${root}tsconfig.json`, `${root}cli/run.mts`, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
process.exitCode = result.status ?? 3;
