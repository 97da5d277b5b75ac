"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";

import { entityHref } from "@/lib/links";

/** Goes to an entity's page: a team (LAL), a player (lebronjames) or a team-game key (LAL_2026-11-20). */
export function EntitySearch({ date }: { date?: string }) {
  const id = useId();
  const router = useRouter();
  const [text, setText] = useState("");
  function submit(e: FormEvent) {
    e.preventDefault();
    const entity = text.trim();
    if (entity) router.push(entityHref(entity, date));
  }
  return (
    <form className="entity-search" role="search" aria-label="Open an entity" onSubmit={submit}>
      <label htmlFor={id}>Open an entity</label>
      <span className="search-row">
        <input
          id={id}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="LAL, lebronjames or LAL_2026-11-20"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${id}-hint`}
        />
        <button type="submit" className="button">
          Open
        </button>
      </span>
      <span id={`${id}-hint`} className="hint">
        A team tricode, a player lookup or a team-game key{date ? `, on ${date}` : ""}.
      </span>
    </form>
  );
}
