import type { Image } from '../../glance/images.js';
import type { Deps } from '../types.js';

/** glanceclient's print_dict of the image (not print_image): everything but `self`. */
export function printImageDict(deps: Deps, image: Image): Promise<void> {
  const { self: _self, ...rest } = image;
  return deps.output.record(rest);
}
