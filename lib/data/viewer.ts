import "server-only";

import { cache } from "react";

import { type Actor, getSessionActor } from "@/lib/auth/session";

/**
 * The signed-in actor of the current page request, its session cookie decoded once however many
 * parts of the page ask (the layout, the page, its panels, the data-as-of stamp); null without a
 * valid session. React `cache()` keeps it for one server render, never across requests. Each read
 * handed this actor still checks its role (`requireRole(min, actor)`).
 */
export const getViewer: () => Promise<Actor | null> = cache(getSessionActor);
