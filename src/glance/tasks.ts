/** Tasks: GET /v2/tasks (paged), GET /v2/tasks/{id}, POST /v2/tasks. */
import { TASK, TASK_PAGE, type Shape } from './shapes.js';
import type { GlanceClient } from './client.js';

export interface Task {
  id: string;
  type: string;
  status: string;
  owner?: string;
  input?: unknown;
  result?: unknown;
  message?: string;
  created_at?: string;
  updated_at?: string;
  expires_at?: string | null;
  self?: string;
  schema?: string;
  [key: string]: unknown;
}

export const TASK_SORT_KEYS = ['id', 'type', 'status'] as const;
export const TASK_SORT_DIRS = ['asc', 'desc'] as const;
/** glanceclient's tasks.DEFAULT_PAGE_SIZE */
export const TASK_PAGE_SIZE = 20;

export interface TaskListQuery {
  type?: string;
  status?: string;
  pageSize?: number;
  sortKey?: string;
  sortDir?: string;
}

/** The first page's path, with the query parameters in glanceclient's order. */
export function taskListPath(q: TaskListQuery): string {
  const params = new URLSearchParams();
  if (q.type !== undefined) params.append('type', q.type);
  if (q.status !== undefined) params.append('status', q.status);
  params.append('limit', String(q.pageSize || TASK_PAGE_SIZE));
  if (q.sortKey !== undefined) params.append('sort_key', q.sortKey);
  if (q.sortDir !== undefined) params.append('sort_dir', q.sortDir);
  return `/v2/tasks?${params.toString()}`;
}

export async function* listTasks(client: GlanceClient, q: TaskListQuery = {}): AsyncGenerator<Task> {
  let path: string | undefined = taskListPath(q);
  while (path) {
    const page = (await client.json('GET', path, { shape: TASK_PAGE })) as { tasks: Task[]; next?: string };
    for (const task of page.tasks) yield task;
    path = page.next;
  }
}

export function getTask(client: GlanceClient, id: string): Promise<Task> {
  return client.json('GET', `/v2/tasks/${encodeURIComponent(id)}`, { shape: TASK as Shape<Task> });
}

export function createTask(client: GlanceClient, type: string, input: unknown): Promise<Task> {
  return client.json<Task>('POST', '/v2/tasks', { json: { type, input } });
}

/** What task-show and task-create print: the task minus its `self` and `schema` links. */
export function taskView(task: Task): Record<string, unknown> {
  const { self: _self, schema: _schema, ...rest } = task;
  return rest;
}
