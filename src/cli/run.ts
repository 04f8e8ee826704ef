/**
 * The `sentinel` command: headless scoring and tools for scripts and clusters.
 * Exit codes: 0 finished (per-label failures are rows, not errors), 1 fatal error, 2 usage error.
 * `runCli` is importable (tests call it in-process); main.ts is the process entry that sets the exit code.
 */
import { SentinelError } from '../core/errors';
import { UsageError } from './args';
import { scoreCommand, SCORE_USAGE } from './commands/score';
import { FatalError } from './model-flags';
import { mergeCommand, MERGE_USAGE } from './commands/merge';
import { evalCommand, EVAL_USAGE } from './commands/eval';
import { exportCommand, EXPORT_USAGE } from './commands/export';
import { reportCommand, REPORT_USAGE } from './commands/report';
import { planCommand, PLAN_USAGE } from './commands/plan';
import { convertCommand, CONVERT_USAGE } from './commands/convert';

const USAGE = `Sentinel Workstation CLI: estimate the quality of organ segmentation labels.

${SCORE_USAGE}
${MERGE_USAGE}
${EVAL_USAGE}
${EXPORT_USAGE}
${REPORT_USAGE}
${PLAN_USAGE}
${CONVERT_USAGE}
`;

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  score: scoreCommand,
  merge: mergeCommand,
  eval: evalCommand,
  export: exportCommand,
  report: reportCommand,
  plan: planCommand,
  convert: convertCommand,
  bench: async (argv) => (await import('../../bench/bench')).benchCommand(argv),
};

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await cmd(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (err instanceof FatalError || err instanceof SentinelError) {
      process.stderr.write(`sentinel ${name}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`sentinel ${name}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
