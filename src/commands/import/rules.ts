/**
 * glanceclient's import options and the rules it applies to them (option names, messages and the
 * order of checks from glanceclient/v2/shell.py), all checked before any request that changes
 * anything. The two GETs a rule needs (/v2/info/import, /v2/info/stores) are in checkServerSide.
 */
import { UsageError } from '../../errors.js';
import type { GlanceClient } from '../../glance/client.js';
import { isUuid } from '../../glance/images.js';
import { checkImportMethod, checkStoresIn, enabledStores, splitStores, type ImportRequest } from '../../glance/import.js';
import type { StoreInfo } from '../../glance/info.js';
import type { OptionDef } from '../types.js';

export const KNOWN_METHODS = ['glance-direct', 'web-download', 'copy-image', 'glance-download'];

export function importMethodOption(defaultMethod?: string): OptionDef {
  return {
    flags: '--import-method <METHOD>',
    description:
      'Import method used for Image Import workflow. Valid values can be retrieved with import-info command' +
      (defaultMethod
        ? ` and the default "${defaultMethod}" is used with "image-stage".`
        : ". Defaults to 'glance-direct' if data is provided using --file or stdin. Otherwise, simply creates an image record if no import-method and no data is supplied."),
    complete: 'import-methods',
    ...(defaultMethod ? { default: defaultMethod } : { env: 'OS_IMAGE_IMPORT_METHOD' }),
  };
}

/** The options image-import and image-create-via-import share (after --import-method). */
export const IMPORT_TARGET_OPTIONS: OptionDef[] = [
  { flags: '--uri <IMAGE_URL>', description: 'URI to download the external image.' },
  { flags: '--remote-region <GLANCE_REGION>', description: 'REMOTE_GLANCE_REGION to download the image.' },
  {
    flags: '--remote-image-id <REMOTE_IMAGE_ID>',
    description: 'The IMAGE ID of the image of remote glance, which needs to be imported with glance-download.',
  },
  {
    flags: '--remote-service-interface <REMOTE_SERVICE_INTERFACE>',
    description: 'The Remote Glance Service Interface for glance-download (default: public).',
    complete: { values: ['public', 'internal', 'admin'] },
  },
  { flags: '--store <STORE>', description: 'Backend store to upload image to.', env: 'OS_IMAGE_STORE', complete: 'stores' },
  {
    flags: '--stores <STORES>',
    description:
      'Stores to upload image to if multi-stores import available. Comma separated list. Available stores can be listed with "stores-info" call.',
    env: 'OS_IMAGE_STORES',
    complete: 'stores',
  },
  {
    flags: '--all-stores <True|False>',
    description:
      '"all-stores" can be used instead of "stores"-list to indicate that image should be imported into all available stores.',
    type: 'bool',
  },
  {
    flags: '--allow-failure <True|False>',
    description:
      'Indicator if all stores listed (or available) must succeed. "True" by default meaning that we allow some stores to fail and the status can be monitored from the image metadata. If this is set to "False" the import will be reverted should any of the uploads fail. Only usable with "stores" or "all-stores".',
    type: 'bool',
    env: 'OS_IMAGE_ALLOW_FAILURE',
    default: true,
  },
];

export interface ImportFlags {
  importMethod?: string;
  uri?: string;
  remoteRegion?: string;
  remoteImageId?: string;
  remoteServiceInterface?: string;
  store?: string;
  stores?: string;
  allStores?: boolean;
  allowFailure?: boolean;
}

export function importFlags(flags: Record<string, unknown>): ImportFlags {
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    importMethod: str(flags.importMethod),
    uri: str(flags.uri),
    remoteRegion: str(flags.remoteRegion),
    remoteImageId: str(flags.remoteImageId),
    remoteServiceInterface: str(flags.remoteServiceInterface),
    store: str(flags.store),
    stores: str(flags.stores),
    allStores: flags.allStores === undefined ? undefined : !!flags.allStores,
    allowFailure: flags.allowFailure === undefined ? true : !!flags.allowFailure,
  };
}

/** "Only one of --store, --stores and --all-stores", then the list split on commas. */
export function storeChoice(f: ImportFlags): Pick<ImportRequest, 'store' | 'stores' | 'allStores'> {
  if ((f.store && (f.stores || f.allStores)) || (f.stores && f.allStores)) {
    throw new UsageError('Only one of --store, --stores and --all-stores can be provided');
  }
  if (f.store) return { store: f.store };
  if (f.stores) {
    // a store named twice is imported to once (Glance would write it twice, or refuse)
    const stores = [...new Set(splitStores(f.stores))];
    if (!stores.length) throw new UsageError('--stores needs at least one store name');
    return { stores };
  }
  return f.allStores ? { allStores: true } : {};
}

function checkRemoteId(f: ImportFlags): void {
  if (f.remoteImageId && !isUuid(f.remoteImageId)) {
    throw new UsageError(`Remote image id does not look like a UUID: ${f.remoteImageId}`);
  }
}

/** image-import's rules (do_image_import), all the ones that need no server. */
export function importRequestFromFlags(f: ImportFlags): ImportRequest {
  const method = f.importMethod ?? 'glance-direct';
  const target = storeChoice(f);
  if (method === 'web-download' && !f.uri) throw new UsageError('Provide URI for web-download import method.');
  if (f.uri && method !== 'web-download') {
    throw new UsageError("Import method should be 'web-download' if URI is provided.");
  }
  if (method === 'glance-download' && !(f.remoteRegion && f.remoteImageId)) {
    throw new UsageError("Provide REMOTE_IMAGE_ID and remote-region for 'glance-download' import method.");
  }
  if (f.remoteRegion && method !== 'glance-download') {
    throw new UsageError("Import method should be 'glance-download' if REMOTE REGION is provided.");
  }
  if (f.remoteImageId && method !== 'glance-download') {
    throw new UsageError("Import method should be 'glance-download' if REMOTE IMAGE ID is provided.");
  }
  if (f.remoteServiceInterface && method !== 'glance-download') {
    throw new UsageError("Import method should be 'glance-download' if REMOTE SERVICE INTERFACE is provided.");
  }
  if (method === 'copy-image' && !(target.stores || target.allStores)) {
    throw new UsageError("Provide either --stores or --all-stores for 'copy-image' import method.");
  }
  checkRemoteId(f);
  return withRemote({ method, uri: f.uri, ...target, allowFailure: f.allowFailure ?? true }, f);
}

function withRemote(req: ImportRequest, f: ImportFlags): ImportRequest {
  if (req.method !== 'glance-download') return req;
  return {
    ...req,
    remoteRegion: f.remoteRegion,
    remoteImageId: f.remoteImageId,
    remoteServiceInterface: f.remoteServiceInterface ?? 'public',
  };
}

/** Where image data for glance-direct comes from, as far as the rules care. */
export interface DataPresence {
  file?: string;
  /** stdin is a pipe or a file (not a terminal, not closed) */
  stdin: boolean;
}

/**
 * image-create-via-import's rules (do_image_create_via_import), all that need no server.
 * Returns undefined when no import is asked for (a plain queued record is created).
 */
export function createImportRequest(f: ImportFlags, data: DataPresence): ImportRequest | undefined {
  const file = data.file;
  const usingStdin = data.stdin;
  let method = f.importMethod;
  if (method === undefined && (file || usingStdin)) method = 'glance-direct';
  if (method === 'copy-image') throw new UsageError("Import method 'copy-image' cannot be used while creating the image.");
  const target = storeChoice(f);
  const { store, stores, allStores } = target;
  if (method === undefined) {
    if (f.uri) throw new UsageError('You cannot use --uri without specifying an import method.');
  }
  if (method === 'glance-direct') {
    if (store && !(file || usingStdin)) {
      throw new UsageError('--store option should only be provided with --file option or stdin for the glance-direct import method.');
    }
    if (stores && !(file || usingStdin)) {
      throw new UsageError('--stores option should only be provided with --file option or stdin for the glance-direct import method.');
    }
    if (allStores && !(file || usingStdin)) {
      throw new UsageError('--all-stores option should only be provided with --file option or stdin for the glance-direct import method.');
    }
    if (f.uri) throw new UsageError('You cannot specify a --uri with the glance-direct import method.');
    if (file && usingStdin) throw new UsageError('You cannot use both --file and stdin with the glance-direct import method.');
    if (!file && !usingStdin) {
      throw new UsageError('You must specify a --file or provide data via stdin for the glance-direct import method.');
    }
  }
  if (method === 'web-download') {
    if (store && !f.uri) throw new UsageError('--store option should only be provided with --uri option for the web-download import method.');
    if (stores && !f.uri) throw new UsageError('--stores option should only be provided with --uri option for the web-download import method.');
    if (allStores && !f.uri) {
      throw new UsageError('--all-stores option should only be provided with --uri option for the web-download import method.');
    }
    if (!f.uri) throw new UsageError("URI is required for web-download import method. Please use '--uri <uri>'.");
    if (file) throw new UsageError('You cannot specify a --file with the web-download import method.');
    if (usingStdin) throw new UsageError('You cannot pass data via stdin with the web-download import method.');
  }
  if (method === 'glance-download') {
    if (!(f.remoteRegion && f.remoteImageId)) {
      throw new UsageError(
        'REMOTE GlANCE REGION and REMOTE IMAGE ID are required for glance-download import method. Please use --remote-region <region> and --remote-image-id <remote-image-id>.',
      );
    }
    if (f.uri) throw new UsageError('You cannot specify a --uri with the glance-download import method.');
    if (file) throw new UsageError('You cannot specify a --file with the glance-download import method.');
    if (usingStdin) throw new UsageError('You cannot pass data via stdin with the glance-download import method.');
  } else {
    if (f.remoteRegion) throw new UsageError("Import method should be 'glance-download' if REMOTE REGION is provided.");
    if (f.remoteImageId) throw new UsageError("Import method should be 'glance-download' if REMOTE IMAGE ID is provided.");
    if (f.remoteServiceInterface) {
      throw new UsageError("Import method should be 'glance-download' if REMOTE SERVICE INTERFACE is provided.");
    }
  }
  // as glanceclient: without a method the store options (often from OS_IMAGE_STORE*) are ignored
  if (method === undefined) return undefined;
  checkRemoteId(f);
  return withRemote({ method, uri: f.uri, ...target, allowFailure: f.allowFailure ?? true }, f);
}

/**
 * The server-side checks: the method must be one /v2/info/import lists and every store one
 * /v2/info/stores lists (GETs only). Returns the stores for working out the import's targets.
 */
export async function checkServerSide(client: GlanceClient, req: ImportRequest): Promise<StoreInfo[] | undefined> {
  const available = await enabledStores(client);
  checkStoresIn(available, [...(req.store ? [req.store] : []), ...(req.stores ?? [])]);
  if ((req.stores || req.allStores) && !available) {
    throw new UsageError('Multi Backend support is not enabled: --stores and --all-stores need a multi-store Glance.');
  }
  await checkImportMethod(client, req.method);
  return available;
}
