/**
 * `runway config validate [FILE]`: checks a runway.yaml exactly as Runway reads it (the same parser and schema as the
 * functions) and lists its targets, or prints every problem as `path: message`.
 *
 * Exit codes: 0 valid; 1 invalid or unreadable.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatConfigError, parseRunwayConfig, type ConfigResult } from '../../functions/src/domain/config/load.js';
import { summarizeTargets } from '../config-summary.js';

interface ValidateOptions {
  readonly json?: boolean;
}

/** Adds `runway config …` to the program. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('work with runway.yaml');

  config
    .command('validate')
    .description('check a runway.yaml: exit 0 and list its targets, or exit 1 and print every error with its path')
    .argument('[file]', 'the file to check; - reads stdin', 'runway.yaml')
    .option(
      '--json',
      'print the resolved configuration (every default filled in, durations in ms) or the errors as JSON',
    )
    .action(async (file: string, options: ValidateOptions) => {
      const read = await readConfigText(file);
      const result: ConfigResult = read.ok
        ? parseRunwayConfig(read.text)
        : { ok: false, errors: [{ path: '', message: read.message }] };
      if (!result.ok) process.exitCode = 1;

      if (options.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else if (!read.ok) {
        process.stderr.write(`error: ${read.message}\n`);
      } else if (result.ok) {
        const count = result.config.targets.length;
        process.stdout.write(`${file}: valid, ${count} target${count === 1 ? '' : 's'}\n`);
        for (const line of summarizeTargets(result.config.targets)) process.stdout.write(`  ${line}\n`);
      } else {
        const count = result.errors.length;
        process.stderr.write(`${file}: invalid, ${count} error${count === 1 ? '' : 's'}\n`);
        for (const error of result.errors) process.stderr.write(`${formatConfigError(error)}\n`);
      }
    });
}

type ReadResult = { ok: true; text: string } | { ok: false; message: string };

async function readConfigText(file: string): Promise<ReadResult> {
  try {
    return { ok: true, text: file === '-' ? await readStdin() : await readFile(file, 'utf8') };
  } catch (error) {
    return { ok: false, message: `cannot read ${file}: ${describeReadError(error)}` };
  }
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file (give the path of a runway.yaml, or run this where one is)';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
      return 'permission denied';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
