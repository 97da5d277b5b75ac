import type { DnpGameView, GameView, LiveWindow, StoredRow } from "@/lib/entities/view";

import { formatCompletenessPct } from "@/lib/format";
import { StatusBadge } from "@/components/ui/status-badge";
import { GameDate } from "./timestamp";
import styles from "./entity.module.css";

interface Props {
  processorShort: string;
  windows: LiveWindow[];
  primaryWindow: string;
  threshold: number;
  stored: StoredRow | null;
  date: string;
}

function storedPctFor(w: LiveWindow, stored: StoredRow | null, primaryWindow: string): string {
  if (!stored) return "no row";
  const fromWindows = stored.windows.find((s) => s.id === w.id);
  if (fromWindows) return formatCompletenessPct(fromWindows.completenessPct);
  if (w.id === primaryWindow) return stored.expected === 0 ? "no games expected" : formatCompletenessPct(stored.completenessPct);
  return "—";
}

function measuredOn(w: LiveWindow, date: string) {
  if (w.team === null) return "no game this season before the date";
  if (w.kind === "games") {
    return (
      <>
        {w.team}: last {w.size} final games before <span className={styles.nowrap}>{date}</span>
      </>
    );
  }
  return (
    <>
      {w.team}: final games <span className={styles.nowrap}>{w.from}</span> – <span className={styles.nowrap}>{w.to}</span>
    </>
  );
}

function readyBadge(w: LiveWindow, threshold: number) {
  if (w.noGamesExpected) return <StatusBadge tone="muted" label="No games expected (does not block)" />;
  return w.ready ? (
    <StatusBadge tone="ok" label="Ready" />
  ) : (
    <StatusBadge tone="bad" label="Not ready" title={`Below the ${threshold}% threshold`} />
  );
}

/** Games listed once each, with the windows they fall in. */
function byGame<T extends GameView>(windows: LiveWindow[], pick: (w: LiveWindow) => T[]): { game: T; windows: string[] }[] {
  const out = new Map<string, { game: T; windows: string[] }>();
  for (const w of windows) {
    for (const g of pick(w)) {
      const entry = out.get(g.gameId) ?? { game: g, windows: [] };
      entry.windows.push(w.label);
      out.set(g.gameId, entry);
    }
  }
  return [...out.values()].sort((a, b) => (a.game.date < b.game.date ? -1 : a.game.date > b.game.date ? 1 : 0));
}

const DNP_WORDS: Record<DnpGameView["reason"], string> = {
  dnp: "did not play (team box score present): counted as present",
  before_joining: "before joining the team (team box score present): counted as present",
};

/** Each window's expected and actual games now, against the stored figures, with the games named. */
export function WindowsTable({ processorShort, windows, primaryWindow, threshold, stored, date }: Props) {
  const missing = byGame(windows, (w) => w.missingGames);
  const dnp = byGame(windows, (w) => w.dnpGames);
  return (
    <>
      <div className={styles.tableWrap}>
        <table className={styles.table}>
          <caption>
            {processorShort} windows on {date}, recomputed from the upstream tables now (threshold {threshold}%)
          </caption>
          <thead>
            <tr>
              <th scope="col">Window</th>
              <th scope="col">Measured on</th>
              <th scope="col" className={styles.num}>Expected</th>
              <th scope="col" className={styles.num}>Actual</th>
              <th scope="col" className={styles.num}>Missing</th>
              <th scope="col" className={styles.num}>Now</th>
              <th scope="col" className={styles.num}>Stored</th>
              <th scope="col">Ready now (≥ {threshold}%)</th>
            </tr>
          </thead>
          <tbody>
            {windows.map((w) => (
              <tr key={w.id}>
                <th scope="row">
                  {w.label}
                  {w.id === primaryWindow ? <span className={styles.muted}> (primary)</span> : null}
                </th>
                <td>{measuredOn(w, date)}</td>
                <td className={styles.num}>{w.expected}</td>
                <td className={styles.num}>{w.actual}</td>
                <td className={styles.num}>{w.missing}</td>
                <td className={styles.num}>{formatCompletenessPct(w.completenessPct)}</td>
                <td className={styles.num}>{storedPctFor(w, stored, primaryWindow)}</td>
                <td>{readyBadge(w, threshold)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {missing.length > 0 ? (
        <>
          <h4 className={styles.listHeading}>Missing games ({missing.length})</h4>
          <ul className={styles.games}>
            {missing.map(({ game, windows: ws }) => (
              <li key={game.gameId}>
                <GameDate date={game.date} /> vs <strong>{game.opponent}</strong>{" "}
                <span className={styles.muted}>
                  — game {game.gameId}; in {ws.join(", ")}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className={styles.listHeading}>No missing games in any window.</p>
      )}
      {dnp.length > 0 ? (
        <>
          <h4 className={styles.listHeading}>Did not play ({dnp.length})</h4>
          <ul className={styles.games}>
            {dnp.map(({ game, windows: ws }) => (
              <li key={game.gameId}>
                <GameDate date={game.date} /> vs <strong>{game.opponent}</strong>{" "}
                <span className={styles.muted}>
                  — {DNP_WORDS[game.reason]}; in {ws.join(", ")}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
