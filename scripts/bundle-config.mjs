#!/usr/bin/env node
// Copies runway.yaml (the repository root's, or $RUNWAY_CONFIG_FILE) to functions/lib/runway.yaml, so that the
// deployed functions carry the configuration they were built with. Runs as the last step of the functions build,
// after tsc, and refuses an invalid file with the same messages as `npx runway config validate`.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const libDir = path.join(repoRoot, 'functions', 'lib');
const target = path.join(libDir, 'runway.yaml');
// npm runs the build in functions/; a relative RUNWAY_CONFIG_FILE means relative to where the user typed the command.
const userDir = process.env.INIT_CWD ?? process.cwd();
const source = process.env.RUNWAY_CONFIG_FILE
  ? path.resolve(userDir, process.env.RUNWAY_CONFIG_FILE)
  : path.join(repoRoot, 'runway.yaml');
const shown = path.relative(userDir, source) || source;

function fail(message) {
  console.error(`bundle-config: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(source)) {
  fail(
    `no ${shown}: the functions need a runway.yaml to deploy with. Write one at the repository root ` +
      '(see the README), or set RUNWAY_CONFIG_FILE to the file to bundle.',
  );
}
const text = fs.readFileSync(source, 'utf8');

// Validate with the freshly compiled schema, so that an invalid file fails the build instead of the first cold start.
const loader = path.join(libDir, 'domain', 'config', 'load.js');
if (fs.existsSync(loader)) {
  const { parseRunwayConfig, formatConfigError } = await import(pathToFileURL(loader).href);
  const result = parseRunwayConfig(text);
  if (!result.ok) {
    const errors = result.errors.map((error) =>
      typeof formatConfigError === 'function' ? formatConfigError(error) : `${error.path}: ${error.message}`,
    );
    fail(`${shown} is invalid:\n${errors.map((line) => `  ${line}`).join('\n')}`);
  }
  console.log(`bundle-config: ${shown} is valid (${result.config.targets.length} target(s))`);
} else {
  console.warn(`bundle-config: ${path.relative(repoRoot, loader)} not built; copying ${shown} without validating it`);
}

fs.mkdirSync(libDir, { recursive: true });
fs.writeFileSync(target, text);
console.log(`bundle-config: copied ${shown} to ${path.relative(userDir, target)}`);
