/** Process entry of the `sentinel` command (bin/sentinel.mjs loads it): runs it and sets the exit code. */
import { runCli } from './run';

process.exitCode = await runCli(process.argv.slice(2));
