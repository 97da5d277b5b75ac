import Link from "next/link";

/**
 * Views of one page as links (each view has its own URL, so it can be shared and back/forward
 * move between views); the current one is marked with `aria-current`, not only a colour.
 */
export function TabLinks({ label, items }: { label: string; items: readonly { href: string; label: string; current: boolean; testId?: string }[] }) {
  return (
    <nav className="tabs" aria-label={label}>
      <ul>
        {items.map((item) => (
          <li key={item.href}>
            <Link href={item.href} aria-current={item.current ? "page" : undefined} data-testid={item.testId}>
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
