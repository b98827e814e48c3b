/** zod's issues as one line a person can act on: `build.results.images[0].digest: must be a sha256 digest; …`. */
import type { z } from 'zod';
import { formatPath } from '../../domain/config/load.js';

/** Every issue as `path: problem`, the path prefixed with what it is a path in (`root`). */
export function describeIssues(root: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = [root, formatPath(issue.path)].filter(Boolean).join('.');
      return `${path || 'the input'}: ${problemOf(issue)}`;
    })
    .join('; ');
}

function problemOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    if (issue.message.startsWith('Invalid input'))
      return `must be ${issue.expected === 'object' ? 'an' : 'a'} ${issue.expected}`;
  }
  return issue.message;
}

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
