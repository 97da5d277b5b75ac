import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// ---------------------------------------------------------------------------------------------
// The layers (README.md "Architecture" draws the same picture): each block names, for one layer,
// the modules it must not import. Imports go down, never up or sideways into a layer that is not
// below. `import type` counts too: a type is a dependency on its owner.

/**
 * A module of the tree as a regular expression over import specifiers: `@/lib/x`, `../x` or
 * `../../lib/x`, and `./x` from the top-level lib/*.ts files (`fromLibRoot`). `lib/x/!(a|b)`:
 * every module of lib/x but a.ts and b.ts.
 */
function mod(path, fromLibRoot) {
  const [, folder, except] = /^(.*?)(?:\/!\((.*)\))?$/.exec(path);
  const [top, ...rest] = folder.split("/");
  const inside = except ? `/(?!(?:${except})(?:\\.tsx?)?$)` : "(?:\\.tsx?)?(?:/|$)";
  const name = escape(top === "lib" ? rest.join("/") : folder);
  if (top !== "lib") return `^(?:@/|(?:\\.\\./)+)${name}${inside}`;
  return `^(?:@/lib/|(?:\\.\\./)+(?:lib/)?${fromLibRoot ? "|\\./" : ""})${name}${inside}`;
}
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function layer(files, forbidden, why, ignores = []) {
  const fromLibRoot = files.every((f) => /^lib\/[^/]+\.ts$/.test(f));
  return {
    files,
    ignores: ["**/*.test.ts", "**/*.test.tsx", ...ignores],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: forbidden.map((path) => ({ regex: mod(path, fromLibRoot), message: `${why} (README.md "Architecture").` })) },
      ],
    },
  };
}

const UI = ["app", "components"];
/** Every lib folder and top-level lib module. */
const LIB = ["actions", "api", "auth", "breakers", "checks", "completeness", "data", "demo", "engine", "entities", "incidents", "metrics", "monitoring", "queries", "security", "warehouse", "env", "errors", "format", "href", "links", "url-state", "use-now", "use-url-state", "startup", "paging"].map((m) => `lib/${m}`);
const except = (list, ...allowed) => list.filter((m) => !allowed.includes(m));
/** The server side: what a client-safe module, a component or the CLI never reaches. */
const SERVER = ["lib/actions", "lib/api", "lib/auth", "lib/data", "lib/demo", "lib/engine", "lib/queries", "lib/warehouse", "lib/metrics", "lib/security", "lib/env", "lib/startup"];
/** The files of lib/auth that are client-safe contracts (the policy; the API token format). */
const AUTH_CONTRACTS = ["lib/auth/roles.ts", "lib/auth/token-format.ts"];
const CONTRACTS = ["lib/breakers/**", "lib/monitoring/**", "lib/entities/**", "lib/incidents/**", "lib/checks/schemas.ts", "lib/auth/token-format.ts"];

const LAYERS = [
  layer(["lib/completeness/**"], [...UI, ...except(LIB, "lib/completeness", "lib/auth"), "lib/auth/!(roles)"], "lib/completeness holds pure rules: it imports no other lib module but the role policy"),
  layer(["lib/auth/roles.ts"], [...UI, ...LIB], "The role policy imports nothing"),
  layer(CONTRACTS, [...UI, ...except(SERVER, "lib/auth"), "lib/auth/!(roles)"], "Client-safe contracts import only lib/completeness, the role policy and each other"),
  layer(["lib/errors.ts", "lib/format.ts", "lib/paging.ts", "lib/href.ts", "lib/links.ts", "lib/url-state.ts", "lib/use-now.ts", "lib/use-url-state.ts"], [...UI, ...except(SERVER, "lib/auth"), "lib/auth/!(roles)"], "Client-safe contracts import only lib/completeness, the role policy and each other"),
  layer(["lib/env.ts"], [...UI, ...except(LIB, "lib/completeness", "lib/security", "lib/auth"), "lib/auth/!(token-format)"], "Configuration is read below every layer that uses it: it imports only pure rules and formats"),
  layer(["lib/warehouse/**"], [...UI, ...except(LIB, "lib/completeness", "lib/env")], "lib/warehouse is the bottom layer: it imports only lib/completeness and lib/env"),
  layer(["lib/queries/**"], [...UI, "lib/actions", "lib/api", "lib/auth", "lib/data", "lib/demo", "lib/engine", "lib/metrics", "lib/security", "lib/startup"], "lib/queries sits on lib/warehouse: no reads, writes, sessions or metrics above it"),
  layer(["lib/engine/**"], [...UI, "lib/actions", "lib/api", "lib/auth/!(roles)", "lib/data", "lib/demo", "lib/metrics", "lib/security", "lib/startup"], "lib/engine (the write layer) sits on lib/queries and lib/warehouse"),
  layer(["lib/demo/**"], [...UI, "lib/actions", "lib/api", "lib/auth/!(roles)", "lib/data", "lib/metrics", "lib/security", "lib/startup"], "lib/demo builds demo data through lib/engine, not through the console's reads or writes"),
  layer(["lib/data/**"], [...UI, "lib/actions", "lib/api", "lib/demo", "lib/metrics", "lib/startup"], "lib/data (reads) sits on lib/engine, lib/queries and lib/warehouse"),
  layer(["lib/actions/**"], [...UI, "lib/api", "lib/data/monitoring", "lib/metrics", "lib/startup"], "lib/actions (writes) go through lib/engine; the monitoring read's cache is the read layer's"),
  layer(["lib/api/**"], [...UI, "lib/demo", "lib/engine", "lib/queries", "lib/warehouse/!(types)", "lib/startup"], "lib/api is the route handlers' opening: reads through lib/data, writes through lib/actions; of the warehouse it knows only its error type"),
  layer(["lib/auth/**", "lib/security/**", "lib/metrics/**"], [...UI, "lib/actions", "lib/api", "lib/data", "lib/demo", "lib/engine"], "Sessions, request security and metrics sit beside the layers, not above lib/queries", [...AUTH_CONTRACTS]),
  layer(["lib/startup.ts"], [...UI, "lib/actions", "lib/api", "lib/data", "lib/demo", "lib/engine"], "Start-up checks read configuration and files, nothing above"),
  layer(["lib/checks/openapi.ts"], UI, "lib never imports app/ or components/"),
  layer(["components/**"], ["app", "lib/api", "lib/auth/!(roles)", "lib/demo", "lib/engine", "lib/queries", "lib/warehouse", "lib/metrics", "lib/security", "lib/env", "lib/startup"], "components reach data through lib/data and lib/actions, never the layers below"),
  layer(["cli/**"], [...UI, ...except(SERVER, "lib/auth"), "lib/auth/!(roles|token-format)", "lib/checks/openapi"], "The CLI depends only on client-safe contracts (it talks to the server over its API)"),
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", ".next-*/**", "node_modules/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts", "bench/results/**"]),
  {
    rules: {
      // `_name` marks a deliberately unused binding (e.g. a property dropped with a rest spread).
      "@typescript-eslint/no-unused-vars": [
        "warn",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Configuration is read in one validated module (lib/env.ts), nowhere else.
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/env.ts (getEnv)." },
      ],
    },
  },
  {
    files: ["lib/env.ts", "instrumentation.ts", "proxy.ts", "next.config.js", "scripts/**", "cli/**", "bench/**", "e2e/**", "playwright.config.ts", "**/*.test.ts", "test/**"],
    rules: { "no-restricted-properties": "off" },
  },
  ...LAYERS,
]);
