import { listTasks, TASK_SORT_DIRS, TASK_SORT_KEYS, type Task, type TaskListQuery } from '../../glance/tasks.js';
import { defineCommand } from '../types.js';

export const taskList = defineCommand<TaskListQuery>({
  name: 'task-list',
  summary: 'List tasks you can access.',
  options: [
    { flags: '--sort-key <SORT_KEY>', description: 'Sort task list by specified field.', choices: TASK_SORT_KEYS, default: 'status' },
    { flags: '--sort-dir <SORT_DIR>', description: 'Sort task list in specified direction.', choices: TASK_SORT_DIRS, default: 'desc' },
    { flags: '--page-size <SIZE>', description: 'Number of tasks to request in each paginated request.', type: 'int' },
    { flags: '--type <TYPE>', description: 'Filter tasks to those that have this type.' },
    { flags: '--status <STATUS>', description: 'Filter tasks to those that have this status.' },
  ],
  examples: ['tsglance task-list --status failure', 'tsglance task-list -f value -c id --type import'],
  parse: ({ flags }) => ({
    sortKey: flags.sortKey as string,
    sortDir: flags.sortDir as string,
    pageSize: flags.pageSize as number | undefined,
    type: flags.type as string | undefined,
    status: flags.status as string | undefined,
  }),
  async run(opts, deps) {
    const client = await deps.glance();
    const tasks: Task[] = [];
    for await (const t of listTasks(client, opts)) {
      const { self: _s, schema: _c, ...rest } = t;
      tasks.push(rest as Task);
    }
    await deps.output.list<Task>(
      [
        { label: 'ID', key: 'id' },
        { label: 'Type', key: 'type' },
        { label: 'Status', key: 'status' },
        { label: 'Owner', key: 'owner' },
      ],
      tasks,
    );
  },
});
