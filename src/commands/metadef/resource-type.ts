import { associateResourceType, deassociateResourceType, listResourceTypes, type Json } from '../../glance/metadefs.js';
import { requireFlag } from '../misc/inputs.js';
import { defineCommand } from '../types.js';
import { NS_ARG, str } from './common.js';

export const mdResourceTypeAssociate = defineCommand<{ ns: string; body: Json }>({
  name: 'md-resource-type-associate',
  summary: 'Associate resource type with a metadata definitions namespace.',
  args: [NS_ARG()],
  options: [
    {
      flags: '--name <NAME>',
      description:
        'Resource type names should be aligned with Heat resource types whenever possible: https://docs.openstack.org/heat/latest/template_guide/openstack.html Required.',
    },
    {
      flags: '--prefix <PREFIX>',
      description:
        'Specifies the prefix to use for the given resource type. Any properties in the namespace should be prefixed with this prefix when being applied to the specified resource type. Must include prefix separator (e.g. a colon :).',
    },
    {
      flags: '--properties-target <PROPERTIES_TARGET>',
      description:
        'Some resource types allow more than one key / value pair per instance. For example, Cinder allows user and image metadata on volumes. Only the image properties metadata is evaluated by Nova (scheduling or drivers). This property allows a namespace target to remove the ambiguity.',
    },
  ],
  examples: ['tsglance md-resource-type-associate my-ns --name OS::Glance::Image --prefix hw_'],
  parse({ args, flags }) {
    const body: Json = { name: requireFlag(flags, 'name', '--name') };
    if (flags.prefix !== undefined) body.prefix = str(flags.prefix);
    if (flags.propertiesTarget !== undefined) body.properties_target = str(flags.propertiesTarget);
    return { ns: args[0] as string, body };
  },
  async run(opts, deps) {
    await deps.output.record(await associateResourceType(await deps.glance(), opts.ns, opts.body));
  },
});

export const mdResourceTypeDeassociate = defineCommand<{ ns: string; rt: string }>({
  name: 'md-resource-type-deassociate',
  summary: 'Deassociate resource type with a metadata definitions namespace.',
  args: [NS_ARG(), { name: 'RESOURCE_TYPE', description: 'Name of resource type.' }],
  parse: ({ args }) => ({ ns: args[0] as string, rt: args[1] as string }),
  async run(opts, deps) {
    await deassociateResourceType(await deps.glance(), opts.ns, opts.rt);
  },
});

export const mdResourceTypeList = defineCommand<Record<string, never>>({
  name: 'md-resource-type-list',
  summary: 'List available resource type names.',
  parse: () => ({}),
  async run(_opts, deps) {
    await deps.output.list([{ label: 'name', key: 'name' }], await listResourceTypes(await deps.glance()));
  },
});
