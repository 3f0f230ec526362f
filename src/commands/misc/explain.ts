import { CliError } from '../../errors.js';
import { HttpError } from '../../http.js';
import { defineCommand } from '../types.js';

interface AttributeRow extends Record<string, unknown> {
  name: string;
  description?: string;
}

export const explain = defineCommand<{ model: string }>({
  name: 'explain',
  summary: 'Describe a specific model.',
  args: [
    {
      name: 'MODEL',
      description: 'Name of model to describe (image, member, task, metadefs/namespace, ...).',
      complete: {
        values: [
          'image', 'images', 'member', 'members', 'task', 'tasks',
          'metadefs/namespace', 'metadefs/namespaces', 'metadefs/resource_type', 'metadefs/resource_types',
          'metadefs/property', 'metadefs/properties', 'metadefs/object', 'metadefs/objects', 'metadefs/tag', 'metadefs/tags',
        ],
      },
    },
  ],
  examples: ['tsglance explain image', 'tsglance explain metadefs/namespace -f json'],
  parse: ({ args }) => ({ model: args[0] as string }),
  async run(opts, deps) {
    const client = await deps.glance();
    let schema;
    try {
      const { getSchema } = await import('../../glance/schema.js');
      schema = await getSchema(client, opts.model, { env: deps.env, debug: deps.debug });
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) throw new CliError(`Unable to find requested model '${opts.model}'`);
      throw err;
    }
    const rows: AttributeRow[] = Object.entries(schema.properties ?? {}).map(([name, p]) => ({
      name,
      description: typeof p?.description === 'string' ? p.description : undefined,
    }));
    await deps.output.list<AttributeRow>(
      [
        { label: 'Attribute', key: 'name' },
        { label: 'Description', key: 'description' },
      ],
      rows,
    );
  },
});
