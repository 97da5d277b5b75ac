import type { Metadata } from "next";

export const metadata: Metadata = { title: "Audit" };

export default function AuditPage() {
  return (
    <>
      <h1>Audit</h1>
      <p className="lede">Every override, bulk override and reset: who, when, role, reason, the keys and their before → after state; filterable and exportable.</p>
    </>
  );
}
