#!/usr/bin/env node
// The `runway` command. The CLI is TypeScript and shares its code with the functions (the runway.yaml schema, the Cloud
// Build parser), so it runs the sources through tsx instead of needing a build step first.
import { register } from 'tsx/esm/api';

register();

try {
  const { main } = await import('../main.ts');
  await main(process.argv);
} catch (error) {
  // main() reports its own errors; this catches the ones that stop it from loading at all.
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.RUNWAY_DEBUG === '1' && error instanceof Error) console.error(error.stack);
  process.exitCode = 1;
}
