import { formatDateLong } from "@/lib/format";

/** Marks demo data on every page: "Demo data: simulated season through Wed 25 Nov 2026". */
export function DemoNotice({ through }: { through: string | null }) {
  if (!through) return null;
  return (
    <p className="demo-notice" data-testid="demo-notice">
      <span aria-hidden="true">◆ </span>
      Demo data: simulated season through {formatDateLong(through)}
    </p>
  );
}
