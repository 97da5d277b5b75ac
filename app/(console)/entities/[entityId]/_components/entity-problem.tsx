import Link from "next/link";

import styles from "./entity.module.css";
import type { EntityInvalid, EntityNotFound } from "@/lib/entities/view";

import { entityHref } from "./entity-header";

/** An id the page cannot show: refused (invalid form) or unknown (no output anywhere). */
export function EntityProblem({ detail, date }: { detail: EntityInvalid | EntityNotFound; date: string | null }) {
  const invalid = detail.status === "invalid";
  return (
    <>
      <h1>{invalid ? "Not an entity id" : "Entity not found"}</h1>
      <section className={`panel ${invalid ? styles.problemBad : styles.problemWarn}`} aria-labelledby="problem-heading" data-testid="entity-problem">
        <h2 id="problem-heading">{invalid ? detail.input : `${detail.kindLabel} ${detail.entity}`}</h2>
        <p>{detail.message}</p>
        {detail.status === "not_found" ? <p>{detail.hint}</p> : null}
        {detail.suggestion ? (
          <p>
            Did you mean <Link href={entityHref(detail.suggestion, /_\d/.test(detail.suggestion) ? null : date)}>{detail.suggestion}</Link>?
          </p>
        ) : null}
        <p className={styles.muted}>
          Entity ids are a team tricode (<Link href={entityHref("LAL")}>LAL</Link>), a team-game key (LAL_2024-12-15) or
          a player_lookup (<Link href={entityHref("lebronjames")}>lebronjames</Link>).{" "}
          <Link href="/entities">All entity views</Link>
        </p>
      </section>
    </>
  );
}
