// The CLI's process entry (cli/bin.mjs runs it with tsx); the commands live in cli/main.ts.
import { main } from "./main";

// `completeness … | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
