/** @type {import('next').NextConfig} */
const nextConfig = {
  // DuckDB ships a native binding per platform; bundling it makes the build try to resolve
  // every platform's `duckdb.node` and fail. The BigQuery client is Node-only too.
  serverExternalPackages: ["@duckdb/node-api", "@google-cloud/bigquery"],
  // A second build directory lets a benchmark or a helper build beside the one `npm start` serves.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // `npm start` builds without Next's type check (half of a first build on two cores): the
  // sources it builds are checked by `npm run typecheck`, and `npm run build` (the test command's
  // build) still checks them. Only start.mts sets this.
  typescript: { ignoreBuildErrors: process.env.COMPLETENESS_START_BUILD === "1" },
  reactStrictMode: true,
};

module.exports = nextConfig;
