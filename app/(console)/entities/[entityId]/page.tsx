import type { Metadata } from "next";
import { z } from "zod";

import styles from "./_components/entity.module.css";
import { CAN } from "@/lib/auth/roles";
import { getSessionActor } from "@/lib/auth/session";
import { entityDateParam, getEntityDetail } from "@/lib/data/entity";

import { EntityHeader } from "./_components/entity-header";
import { EntityProblem } from "./_components/entity-problem";
import { ProcessorSection } from "./_components/processor-section";
import { SectionBoundary } from "./_components/section-boundary";
import { SummaryTable } from "./_components/summary-table";

// Every request reads the warehouse now: the live recheck must be live.
export const dynamic = "force-dynamic";

interface Props {
  params: Promise<{ entityId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** `?date=`: absent, or one real calendar date. A repeated parameter takes its first value. */
const searchSchema = z.object({
  date: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (Array.isArray(v) ? v[0] : v))
    .transform((v) => (v === "" ? undefined : v)),
});

/** Route params arrive percent-encoded or not depending on the character; decode once, safely. */
function decodeSegment(raw: string): string {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { entityId } = await params;
  return { title: `Entity ${decodeSegment(entityId)}` };
}

export default async function EntityPage({ params, searchParams }: Props) {
  const [{ entityId: rawId }, search] = await Promise.all([params, searchParams]);
  const entityId = decodeSegment(rawId);
  const { date: rawDate } = searchSchema.parse(search);

  // A bad ?date= is the user's typo, not a crash: say so and show the latest date instead.
  let date: string | undefined;
  let dateError: string | null = null;
  if (rawDate !== undefined) {
    const parsed = entityDateParam.safeParse(rawDate);
    if (parsed.success) date = parsed.data;
    else dateError = `“${rawDate}” ${parsed.error.issues[0]?.message ?? "is not a date"}: showing the latest date with output instead.`;
  }

  const [detail, actor] = await Promise.all([getEntityDetail(entityId, date), getSessionActor()]);
  if (detail.status !== "found") {
    return (
      <div className={styles.page}>
        <EntityProblem detail={detail} date={date ?? null} />
      </div>
    );
  }

  // Which write controls to show; the actions check the session's role again.
  const can = { canOverride: actor !== null && CAN.override(actor.role), canReset: actor !== null && CAN.reset(actor.role) };
  return (
    <div className={styles.page}>
      <EntityHeader detail={detail} dateError={dateError} />
      <SummaryTable sections={detail.processors} date={detail.date} />
      {detail.processors.map((s) => (
        <SectionBoundary key={s.processor} title={s.processor}>
          <ProcessorSection section={s} date={detail.date} readAt={detail.readAt} can={can} />
        </SectionBoundary>
      ))}
    </div>
  );
}
