import type { Metadata } from "next";

export const metadata: Metadata = { title: "Breakers" };

export default function BreakersPage() {
  return (
    <>
      <h1>Breakers</h1>
      <p className="lede">Active circuit breakers with sorting, filters, search and a cooldown countdown; single and bulk overrides with a preview; the attempt history per key and reprocessing patterns.</p>
    </>
  );
}
