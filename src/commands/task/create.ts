import { createTask, taskView } from '../../glance/tasks.js';
import { parseJsonObject, requireFlag } from '../misc/inputs.js';
import { defineCommand } from '../types.js';

export const taskCreate = defineCommand<{ type: string; input: Record<string, unknown> }>({
  name: 'task-create',
  summary: 'Create a new task.',
  description:
    'The legacy tasks API (`--type import`); Glance policy keeps it to admins (tasks_api_access). Interoperable image import is image-create-via-import / image-import.',
  options: [
    {
      flags: '--type <TYPE>',
      description: 'Type of Task. Please refer to Glance schema or documentation to see which tasks are supported. Required.',
    },
    { flags: '--input <STRING>', description: 'Parameters of the task to be launched (a JSON object).', default: '{}' },
  ],
  examples: [
    `tsglance task-create --type import --input '{"import_from": "http://example.com/cirros.qcow2", "import_from_format": "qcow2", "image_properties": {"name": "cirros", "disk_format": "qcow2", "container_format": "bare"}}'`,
  ],
  parse: ({ flags }) => ({
    type: requireFlag(flags, 'type', '--type'),
    input: parseJsonObject(String(flags.input ?? '{}'), '--input'),
  }),
  async run(opts, deps) {
    await deps.output.record(taskView(await createTask(await deps.glance(), opts.type, opts.input)));
  },
});
