/**
 * Reads runway.yaml text into target policies, or into a list of errors that each name the path of the bad field
 * (`targets.checkout.production.strategy.canary.steps[2].weight: must be between 1 and 100`).
 */
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { allowedKeysAt, plainErrorMap, unknownFieldMessage } from './messages.js';
import { runwayConfigSchema } from './schema.js';
import { toTargetPolicy, type TargetId, type TargetPolicy } from './policy.js';
import { accessOf, toPeopleConfig, type PeopleConfig } from './people.js';

/** One problem in runway.yaml. `path` is empty for problems with the file as a whole. */
export interface ConfigError {
  readonly path: string;
  readonly message: string;
}

/** A valid runway.yaml, resolved. */
export interface RunwayConfig {
  readonly version: 1;
  /** Every target, in file order. */
  readonly targets: readonly TargetPolicy[];
  /** Roles per environment, the Slack app's and email's settings, the dashboard's address. */
  readonly people: PeopleConfig;
}

export type ConfigResult = { ok: true; config: RunwayConfig } | { ok: false; errors: ConfigError[] };

/** Formats a path the way people write it: `targets.checkout.production.strategy.canary.steps[2].weight`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** Renders an error as one line. */
export function formatConfigError(error: ConfigError): string {
  return error.path ? `${error.path}: ${error.message}` : error.message;
}

/** Parses and validates the text of a runway.yaml. Never throws on bad input. */
export function parseRunwayConfig(text: string): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { merge: true, prettyErrors: false, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        // With prettyErrors off, yaml leaves `linePos` unset: the offsets in `pos` are turned into line and column here.
        const at = lineCounter.linePos(e.pos[0]);
        return { path: '', message: `line ${at.line}, column ${at.col}: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  if (doc.contents === null) {
    return { ok: false, errors: [{ path: '', message: 'the file is empty: it needs version: 1 and targets' }] };
  }
  if (!isMap(doc.contents)) {
    return { ok: false, errors: [{ path: '', message: 'the file must be a mapping with version: 1 and targets' }] };
  }
  return validateRunwayConfig(doc.toJS({ maxAliasCount: 1000 }));
}

/** Validates an already-parsed runway.yaml (for example JSON). */
export function validateRunwayConfig(raw: unknown): ConfigResult {
  const parsed = runwayConfigSchema.safeParse(raw, { error: plainErrorMap, reportInput: true });
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.flatMap(toConfigErrors) };

  const people = toPeopleConfig(parsed.data);
  const targets: TargetPolicy[] = [];
  const errors: ConfigError[] = [];
  const byCloudRunService = new Map<string, TargetId>();
  for (const [serviceKey, environments] of Object.entries(parsed.data.targets)) {
    if (Object.keys(environments).length === 0) {
      errors.push({ path: `targets.${serviceKey}`, message: 'must define at least one environment' });
    }
    for (const [environment, spec] of Object.entries(environments)) {
      const policy = toTargetPolicy(serviceKey, environment, spec, accessOf(people, environment).fourEyes);
      // Two targets steering one Cloud Run service would fight over its traffic split.
      const serviceName = `${policy.project}/${policy.region}/${policy.service}`;
      const clash = byCloudRunService.get(serviceName);
      if (clash) {
        errors.push({
          path: `targets.${serviceKey}.${environment}`,
          message: `is the same Cloud Run service (${serviceName}) as targets.${clash}`,
        });
      }
      byCloudRunService.set(serviceName, policy.id);
      targets.push(policy);
    }
  }
  if (targets.length === 0 && errors.length === 0) {
    errors.push({ path: 'targets', message: 'must define at least one target' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config: { version: 1, targets, people } };
}

function toConfigErrors(issue: z.core.$ZodIssue): ConfigError[] {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(runwayConfigSchema, issue.path);
    return issue.keys.map((key) => ({
      path: path ? `${path}.${key}` : key,
      message: unknownFieldMessage(key, allowed),
    }));
  }
  if (issue.code === 'invalid_key') {
    // A bad key in a record (`targets.Checkout`): zod words the key's own problem in the nested issues.
    return issue.issues.map((inner) => ({ path, message: `invalid key: ${inner.message}` }));
  }
  // A missing field reads "is required" even where the schema words a wrong value (`weight: must be a number …`).
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) {
    return [{ path, message: 'is required' }];
  }
  return [{ path, message: issue.message }];
}
