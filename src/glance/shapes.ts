/**
 * What tsglance relies on in Glance's answers, checked before anything uses them: a page of
 * images is an object with an `images` array of objects that have a string `id`, and so on. A
 * reply that is not what was asked for (an HTML error page with status 200, a proxy's login page,
 * a truncated body, a different API behind the same URL) becomes one line that says what was
 * expected, what was wrong, and from which URL — instead of a TypeError deep in a command.
 *
 * Each shape checks only the fields some command reads; extra fields are always fine.
 */
import { CliError } from '../errors.js';

export interface Shape<T> {
  /** "an image list", "an image", ... (completes "Glance returned a response that is not …") */
  readonly what: string;
  /** undefined when the body fits, else what is wrong with it */
  problem(body: unknown): string | undefined;
  /** only for the type: the checked body's type */
  readonly _type?: T;
}

export class ResponseShapeError extends CliError {
  constructor(
    readonly what: string,
    readonly problem: string,
    readonly where: string,
  ) {
    super(`Glance returned a response that is not ${what}: ${problem} (${where})`);
    this.name = 'ResponseShapeError';
  }
}

/** Throws ResponseShapeError naming `where` ("GET http://…") unless `body` fits `shape`. */
export function expectShape<T>(shape: Shape<T>, body: unknown, where: string): T {
  const problem = shape.problem(body);
  if (problem !== undefined) throw new ResponseShapeError(shape.what, problem, where);
  return body as T;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v === undefined) return 'missing';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function objectProblem(body: unknown): string | undefined {
  return isObject(body) ? undefined : `the body is ${describeValue(body)}, not a JSON object`;
}

/** An object whose listed fields are strings (`id` of an image, a task, a member …). */
export function objectWith<T>(what: string, stringFields: string[] = []): Shape<T> {
  return {
    what,
    problem(body) {
      const p = objectProblem(body);
      if (p) return p;
      for (const f of stringFields) {
        const v = (body as Record<string, unknown>)[f];
        if (typeof v !== 'string') return `"${f}" is ${describeValue(v)}, not a string`;
      }
      return undefined;
    },
  };
}

/**
 * An object holding an array under `key` whose items are objects with the given string fields,
 * and, for pages, an optional string `next`.
 */
export function listOf<T>(what: string, key: string, itemStringFields: string[] = [], paged = false): Shape<T> {
  return {
    what,
    problem(body) {
      const p = objectProblem(body);
      if (p) return p;
      const obj = body as Record<string, unknown>;
      const items = obj[key];
      if (!Array.isArray(items)) return `"${key}" is ${describeValue(items)}, not a list`;
      for (let i = 0; i < items.length; i++) {
        const item: unknown = items[i];
        if (!isObject(item)) return `item ${i} of "${key}" is ${describeValue(item)}, not an object`;
        for (const f of itemStringFields) {
          if (typeof item[f] !== 'string') return `item ${i} of "${key}" has "${f}" ${describeValue(item[f])}, not a string`;
        }
      }
      if (paged && obj.next !== undefined && obj.next !== null && typeof obj.next !== 'string') {
        return `"next" is ${describeValue(obj.next)}, not a link`;
      }
      return undefined;
    },
  };
}

export interface ImagePage<I = Record<string, unknown>> {
  images: I[];
  next?: string;
}

/** GET /v2/images: the shape the listing (and name lookup) walks page by page. */
export const IMAGE_PAGE: Shape<ImagePage> = listOf('an image list', 'images', ['id'], true);
export const IMAGE: Shape<Record<string, unknown>> = objectWith('an image', ['id', 'status']);
export const TASK_LIST = listOf('a task list', 'tasks', ['id']);
export const TASK_PAGE = listOf('a task list', 'tasks', ['id'], true);
export const TASK = objectWith('a task', ['id']);
export const MEMBER_LIST = listOf('a member list', 'members', ['member_id']);
export const MEMBER = objectWith('an image member', ['member_id']);
export const STORE_LIST = listOf('a store list', 'stores', ['id']);
export const NAMESPACE_PAGE = listOf('a namespace list', 'namespaces', ['namespace'], true);
export const SCHEMA: Shape<Record<string, unknown>> = {
  what: 'a JSON schema',
  problem(body) {
    const p = objectProblem(body);
    if (p) return p;
    const props = (body as Record<string, unknown>).properties;
    return isObject(props) ? undefined : `"properties" is ${describeValue(props)}, not an object`;
  },
};
/** Any JSON object (the default for calls without a more specific shape). */
export const ANY_OBJECT: Shape<Record<string, unknown>> = objectWith('a JSON object');
