"use client";

import Link from "next/link";

import { formatCount } from "@/lib/format";
import { useUrlState } from "@/lib/use-url-state";

/** "Rows 51–100 of 3,252" with previous/next links (the page is in the URL). */
export function Pagination({ page, pageSize, total, noun = "rows" }: { page: number; pageSize: number; total: number; noun?: string }) {
  const { href } = useUrlState();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(page, pages);
  const from = total === 0 ? 0 : (current - 1) * pageSize + 1;
  const to = Math.min(total, current * pageSize);
  return (
    <nav className="pagination" aria-label="Pages">
      <span data-testid="row-range">
        {total === 0 ? `No ${noun}` : `${noun[0]!.toUpperCase()}${noun.slice(1)} ${formatCount(from)}–${formatCount(to)} of ${formatCount(total)}`}
      </span>
      {pages > 1 ? (
        <span className="pager">
          {current > 1 ? (
            <Link href={href({ page: current - 1 === 1 ? null : current - 1 })} scroll={false} rel="prev">
              ← Previous
            </Link>
          ) : (
            <span className="muted" aria-disabled="true">
              ← Previous
            </span>
          )}
          <span>
            page {current} of {pages}
          </span>
          {current < pages ? (
            <Link href={href({ page: current + 1 })} scroll={false} rel="next">
              Next →
            </Link>
          ) : (
            <span className="muted" aria-disabled="true">
              Next →
            </span>
          )}
        </span>
      ) : null}
    </nav>
  );
}
