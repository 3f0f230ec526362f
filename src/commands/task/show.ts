import { getTask, taskView } from '../../glance/tasks.js';
import { defineCommand } from '../types.js';

export const taskShow = defineCommand<{ id: string }>({
  name: 'task-show',
  summary: 'Describe a specific task.',
  args: [{ name: 'TASK_ID', description: 'ID of task to describe.', complete: 'tasks' }],
  parse: ({ args }) => ({ id: args[0] as string }),
  async run(opts, deps) {
    await deps.output.record(taskView(await getTask(await deps.glance(), opts.id)));
  },
});
