import type { Metadata } from "next";

export const metadata: Metadata = { title: "Trends" };

export default function TrendsPage() {
  return (
    <>
      <h1>Trends</h1>
      <p className="lede">Completeness, readiness and breaker trips per processor over a chosen range, with threshold lines and overrides marked on the time axis.</p>
    </>
  );
}
