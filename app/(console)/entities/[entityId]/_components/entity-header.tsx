import Link from "next/link";

import { DatePicker } from "./date-picker";
import { Timestamp } from "./timestamp";
import styles from "./entity.module.css";
import type { EntityFound } from "@/lib/entities/view";

export function entityHref(entity: string, date?: string | null): string {
  return `/entities/${encodeURIComponent(entity)}${date ? `?date=${date}` : ""}`;
}

const DATE_SOURCES: Record<EntityFound["dateSource"], string> = {
  requested: "as requested",
  latest: "latest with output",
  key: "from the team-game key",
};

/** The entity, its kind, the date shown (with where it came from) and the way to other dates. */
export function EntityHeader({ detail, dateError }: { detail: EntityFound; dateError: string | null }) {
  const { entity, kind, dates } = detail;
  const teamGame = kind === "team_game";
  const team = teamGame ? entity.slice(0, 3) : null;
  const hrefFor = (date: string) => (teamGame ? entityHref(`${team}_${date}`) : entityHref(entity, date));
  return (
    <>
      <div className={styles.header}>
        <div>
          <div className={styles.title}>
            <h1>{entity}</h1>
            <span className={styles.kind}>{detail.kindLabel}</span>
          </div>
          <p className={styles.meta}>
            {kind === "player" ? (
              <span>team {detail.team ?? "unknown (no game this season before the date)"}</span>
            ) : null}
            <span>
              date <strong>{detail.date}</strong> ({DATE_SOURCES[detail.dateSource]})
            </span>
            <span>
              read <Timestamp iso={detail.readAt} now={detail.readAt} />
            </span>
          </p>
        </div>
        <nav className={styles.dateNav} aria-label="Dates with output">
          {dates.previous ? (
            <Link href={hrefFor(dates.previous)} rel="prev">
              ← {dates.previous}
            </Link>
          ) : (
            <span className={styles.disabled}>no earlier date</span>
          )}
          {teamGame ? null : (
            <DatePicker key={detail.date} basePath={entityHref(entity)} date={detail.date} max={dates.latest ?? undefined} />
          )}
          {dates.next ? (
            <Link href={hrefFor(dates.next)} rel="next">
              {dates.next} →
            </Link>
          ) : (
            <span className={styles.disabled}>no later date</span>
          )}
          {dates.latest && dates.latest !== detail.date ? <Link href={hrefFor(dates.latest)}>Latest ({dates.latest})</Link> : null}
        </nav>
      </div>
      {dateError ? (
        <p className={styles.notice} role="status">
          {dateError}
        </p>
      ) : null}
      {!dates.hasData ? (
        <p className={styles.notice}>
          No processor wrote a row for {entity} on {detail.date}: the sections below show &ldquo;no row&rdquo; and what a run
          would find now.
          {dates.latest ? (
            <>
              {" "}
              The latest date with output is <Link href={hrefFor(dates.latest)}>{dates.latest}</Link>.
            </>
          ) : null}
        </p>
      ) : null}
      {detail.related.length > 0 ? (
        <p className={styles.related}>
          See also:{" "}
          {detail.related.map((r, i) => (
            <span key={r.entity}>
              {i > 0 ? " · " : null}
              <Link href={entityHref(r.entity, r.date)}>{r.label}</Link>
            </span>
          ))}
        </p>
      ) : null}
    </>
  );
}
