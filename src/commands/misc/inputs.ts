/**
 * Checks shared by the member, location, task and metadef commands: required flags and JSON
 * arguments, rejected with a one-line message naming the option before any request is sent.
 */
import { UsageError } from '../../errors.js';

/** The flag's value, or a usage error in argparse's words when it is missing. */
export function requireFlag(flags: Record<string, unknown>, key: string, option: string): string {
  const v = flags[key];
  if (v === undefined || v === null || (Array.isArray(v) && !v.length)) {
    throw new UsageError(`the following arguments are required: ${option}`);
  }
  return v as string;
}

/** JSON text that must decode to an object (not an array, string or number). */
export function parseJsonObject(text: string, option: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = (err as Error).message.replace(/\s+/g, ' ');
    throw new UsageError(`${option} is not valid JSON: ${why}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${option} must be a JSON object ({...}), not ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
