import type { Image } from '../../glance/images.js';
import type { Deps, OptionDef } from '../types.js';

/** glanceclient's print_dict of the image (not print_image): everything but `self`. */
export function printImageDict(deps: Deps, image: Image): Promise<void> {
  const { self: _self, ...rest } = image;
  return deps.output.record(rest);
}

/** location-add and location-update take the same --metadata (glanceclient's text and default). */
export const METADATA_OPTION: OptionDef = {
  flags: '--metadata <STRING>',
  description: 'Metadata associated with the location. Must be a valid JSON object (default: {})',
  default: '{}',
};
