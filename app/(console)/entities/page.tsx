import type { Metadata } from "next";

export const metadata: Metadata = { title: "Entities" };

export default function EntitiesPage() {
  return (
    <>
      <h1>Entities</h1>
      <p className="lede">
        Entities below threshold, multi-window detail, bootstrap records, and an entity page with each window&rsquo;s
        expected and actual games, the attempt timeline and a live recheck against the upstream tables.
      </p>
    </>
  );
}
