import styles from "./_components/entity.module.css";

/** Sized like the page (title, meta line, summary, one processor section) to avoid layout shift. */
export default function Loading() {
  return (
    <div className={styles.page} aria-busy="true" aria-live="polite">
      <p className={styles.srOnly}>Loading the entity: stored rows, live recheck and breaker timelines…</p>
      <div className={`${styles.skeleton} ${styles.skelTitle}`} />
      <div className={`${styles.skeleton} ${styles.skelLine}`} />
      <div className={`${styles.skeleton} ${styles.skelSummary}`} />
      <div className={`${styles.skeleton} ${styles.skelPanel}`} />
      <div className={`${styles.skeleton} ${styles.skelPanel}`} />
    </div>
  );
}
