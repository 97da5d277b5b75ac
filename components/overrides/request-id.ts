"use client";

import { useState } from "react";

/**
 * One idempotency key per form instance: a double click or a retry after a timeout sends the
 * same id, so the write happens once. A new form (or a new preview) gets a new id.
 */
export function useRequestId(): [string, () => void] {
  const make = () => crypto.randomUUID().replaceAll("-", "");
  const [id, setId] = useState(make);
  return [id, () => setId(make())];
}
