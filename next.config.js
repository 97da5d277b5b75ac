/** @type {import('next').NextConfig} */
const nextConfig = {
  // DuckDB ships a native binding per platform; bundling it makes the build try to resolve
  // every platform's `duckdb.node` and fail. The BigQuery client is Node-only too.
  serverExternalPackages: ["@duckdb/node-api", "@google-cloud/bigquery"],
  // A second build directory lets a benchmark or a helper build beside the one `npm start` serves.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;
