"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { z } from "zod";

// zod probes whether it may compile validators with `new Function`; the content security policy
// forbids eval, so the probe is reported as a violation on every page. Interpreted validation
// needs no probe.
z.config({ jitless: true });

/** One QueryClient per browser tab (per request on the server), for the panels' refresh. */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // Server-rendered data is fresh when it arrives; panels set their own schedule.
            staleTime: 60_000,
            refetchIntervalInBackground: false,
          },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
