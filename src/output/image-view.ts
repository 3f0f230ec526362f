/** glanceclient's print_image: what the Property/Value table of an image shows. */
import type { Output } from './format.js';
import { humanSize } from './python.js';

const HIDDEN_FIELDS = new Set(['self', 'access', 'file', 'schema']);

export function imageTableData(image: Record<string, unknown>, humanReadable = false): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(image)) if (!HIDDEN_FIELDS.has(k)) shown[k] = v;
  if ('virtual_size' in shown) shown.virtual_size = shown.virtual_size || 'Not available';
  if (humanReadable) shown.size = humanSize(shown.size);
  return shown;
}

/** Print an image as glanceclient does in a table, and the whole record in json/yaml/value. */
export function printImage(
  output: Output,
  image: Record<string, unknown>,
  opts: { humanReadable?: boolean; maxWidth?: number } = {},
): Promise<void> {
  return output.record(image, { table: imageTableData(image, opts.humanReadable), maxWidth: opts.maxWidth });
}
