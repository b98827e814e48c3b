/** Runs the `runway` command as users do: a real process, its output and its exit code. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const RUNWAY = fileURLToPath(new URL('../../cli/bin/runway.mjs', import.meta.url));

/** What one run printed and how it exited. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `runway ARGS…` with the current Node, without colours or debug output, optionally feeding `stdin`. */
export function runway(
  args: readonly string[],
  options: { cwd?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNWAY, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, ...options.env, NO_COLOR: '1', RUNWAY_DEBUG: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
