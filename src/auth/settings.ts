/**
 * Resolves who we are and where Glance is from --os-* flags, OS_* variables and clouds.yaml, in
 * that order of precedence (openstacksdk's). Every check that needs no server happens here, so
 * that a missing or contradictory setting costs no request and names the variable to set.
 */
import { ConfigError, UsageError } from '../errors.js';
import type { CloudConfig } from './clouds.js';

export type AuthType = 'password' | 'token' | 'v3applicationcredential';

/** The one missing setting a terminal can supply: the caller may ask for it (as glanceclient does). */
export class MissingPasswordError extends ConfigError {
  constructor() {
    super('Missing password: set OS_PASSWORD (or --os-password)');
    this.name = 'MissingPasswordError';
  }
}

export interface AuthSettings {
  authType: AuthType;
  authUrl?: string;
  username?: string;
  userId?: string;
  password?: string;
  userDomainName?: string;
  userDomainId?: string;
  projectName?: string;
  projectId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  token?: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
  regionName?: string;
  interface: 'public' | 'internal' | 'admin';
  serviceType: string;
  imageUrl?: string;
  cacert?: string;
  cert?: string;
  key?: string;
  insecure: boolean;
  timeout: number;
  cloud?: string;
}

/** The --os-* flags as commander hands them over (camelCase of the long flag). */
export interface AuthFlags {
  osCloud?: string;
  osAuthUrl?: string;
  osAuthType?: string;
  osAuthPlugin?: string;
  osUsername?: string;
  osUserName?: string;
  osUserId?: string;
  osPassword?: string;
  osProjectName?: string;
  osTenantName?: string;
  osProjectId?: string;
  osTenantId?: string;
  osUserDomainName?: string;
  osUserDomainId?: string;
  osProjectDomainName?: string;
  osProjectDomainId?: string;
  osDefaultDomainName?: string;
  osDefaultDomainId?: string;
  osToken?: string;
  osAuthToken?: string;
  osApplicationCredentialId?: string;
  osApplicationCredentialName?: string;
  osApplicationCredentialSecret?: string;
  osRegionName?: string;
  osInterface?: string;
  osEndpointType?: string;
  osServiceType?: string;
  osImageUrl?: string;
  osImageApiVersion?: string;
  osCacert?: string;
  osCert?: string;
  osKey?: string;
  insecure?: boolean;
  timeout?: string | number;
}

export type Env = Record<string, string | undefined>;

/** Every OS_* variable tsglance reads; the man page and a test keep this list honest. */
export const AUTH_ENV_VARS = [
  'OS_CLOUD', 'OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE', 'OS_AUTH_URL', 'OS_AUTH_TYPE', 'OS_AUTH_PLUGIN',
  'OS_USERNAME', 'OS_USER_NAME', 'OS_USER_ID', 'OS_PASSWORD', 'OS_PROJECT_NAME', 'OS_TENANT_NAME',
  'OS_PROJECT_ID', 'OS_TENANT_ID', 'OS_USER_DOMAIN_NAME', 'OS_USER_DOMAIN_ID', 'OS_PROJECT_DOMAIN_NAME',
  'OS_PROJECT_DOMAIN_ID', 'OS_DEFAULT_DOMAIN_NAME', 'OS_DEFAULT_DOMAIN_ID', 'OS_TOKEN', 'OS_AUTH_TOKEN',
  'OS_APPLICATION_CREDENTIAL_ID', 'OS_APPLICATION_CREDENTIAL_NAME', 'OS_APPLICATION_CREDENTIAL_SECRET',
  'OS_REGION_NAME', 'OS_INTERFACE', 'OS_ENDPOINT_TYPE', 'OS_SERVICE_TYPE', 'OS_IMAGE_URL', 'OS_IMAGE_API_VERSION',
  'OS_CACERT', 'OS_CERT', 'OS_KEY', 'OS_INSECURE', 'OS_IDENTITY_API_VERSION', 'OS_TIMEOUT',
] as const;

/** The longest timer Node can set (2^31-1 ms); a larger --timeout would fire at once, with a warning. */
export const MAX_TIMEOUT_S = 2_147_483;

const TRUE_WORDS = new Set(['1', 't', 'true', 'y', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'f', 'false', 'n', 'no', 'off', '']);

/** oslo's strict bool_from_string, which glanceclient's True|False options use. */
export function parseBool(value: string, what: string): boolean {
  const v = value.trim().toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  throw new ConfigError(`${what} must be true or false, not '${value}'`);
}

function firstSet(...values: (string | undefined)[]): string | undefined {
  for (const v of values) if (v !== undefined && v !== '') return v;
  return undefined;
}

/** Two spellings of one setting that disagree are an error, not a silent pick. */
function oneOf(a: [string, string | undefined], b: [string, string | undefined]): string | undefined {
  if (a[1] && b[1] && a[1] !== b[1]) {
    throw new ConfigError(`${a[0]} and ${b[0]} are both set and differ; unset one of them`);
  }
  return firstSet(a[1], b[1]);
}

const INTERFACES: Record<string, AuthSettings['interface']> = {
  public: 'public', publicurl: 'public', internal: 'internal', internalurl: 'internal', admin: 'admin',
  adminurl: 'admin',
};

export function normalizeInterface(
  value: string,
  source: string,
  Err: new (message: string) => Error = ConfigError,
): AuthSettings['interface'] {
  const v = INTERFACES[value.toLowerCase()];
  if (!v) throw new Err(`${source} must be public, internal or admin, not '${value}'`);
  return v;
}

const AUTH_TYPES: Record<string, AuthType> = {
  password: 'password', v3password: 'password', token: 'token', v3token: 'token',
  v3applicationcredential: 'v3applicationcredential', applicationcredential: 'v3applicationcredential',
  'v3oidcaccesstoken': 'token',
};

/**
 * Merge flags > environment > clouds.yaml into settings and validate them. `cloud` is the
 * already-loaded clouds.yaml entry when OS_CLOUD/--os-cloud is in use.
 */
export function resolveAuthSettings(flags: AuthFlags, env: Env, cloud?: CloudConfig): AuthSettings {
  const c = cloud?.auth ?? {};
  const pick = (flag: string | undefined, envName: string, cloudValue?: unknown): string | undefined =>
    firstSet(flag, env[envName], cloudValue === undefined || cloudValue === null ? undefined : String(cloudValue));

  const authUrl = pick(flags.osAuthUrl, 'OS_AUTH_URL', c.auth_url);
  const username = pick(flags.osUsername ?? flags.osUserName, 'OS_USERNAME', c.username ?? c.user_name) ??
    env.OS_USER_NAME;
  const userId = pick(flags.osUserId, 'OS_USER_ID', c.user_id);
  const password = pick(flags.osPassword, 'OS_PASSWORD', c.password);
  const projectName = oneOf(
    ['OS_PROJECT_NAME', pick(flags.osProjectName, 'OS_PROJECT_NAME', c.project_name)],
    ['OS_TENANT_NAME', firstSet(flags.osTenantName, env.OS_TENANT_NAME, c.tenant_name as string | undefined)],
  );
  const projectId = oneOf(
    ['OS_PROJECT_ID', pick(flags.osProjectId, 'OS_PROJECT_ID', c.project_id)],
    ['OS_TENANT_ID', firstSet(flags.osTenantId, env.OS_TENANT_ID, c.tenant_id as string | undefined)],
  );
  const defaultDomainId = pick(flags.osDefaultDomainId, 'OS_DEFAULT_DOMAIN_ID', c.default_domain_id);
  const defaultDomainName = pick(flags.osDefaultDomainName, 'OS_DEFAULT_DOMAIN_NAME', c.default_domain_name);
  const userDomainName = pick(flags.osUserDomainName, 'OS_USER_DOMAIN_NAME', c.user_domain_name);
  const userDomainId = pick(flags.osUserDomainId, 'OS_USER_DOMAIN_ID', c.user_domain_id);
  const projectDomainName = pick(flags.osProjectDomainName, 'OS_PROJECT_DOMAIN_NAME', c.project_domain_name);
  const projectDomainId = pick(flags.osProjectDomainId, 'OS_PROJECT_DOMAIN_ID', c.project_domain_id);
  const token = oneOf(
    ['OS_TOKEN', pick(flags.osToken, 'OS_TOKEN', c.token)],
    ['OS_AUTH_TOKEN', firstSet(flags.osAuthToken, env.OS_AUTH_TOKEN)],
  );
  const appCredId = pick(flags.osApplicationCredentialId, 'OS_APPLICATION_CREDENTIAL_ID', c.application_credential_id);
  const appCredName = pick(
    flags.osApplicationCredentialName, 'OS_APPLICATION_CREDENTIAL_NAME', c.application_credential_name,
  );
  const appCredSecret = pick(
    flags.osApplicationCredentialSecret, 'OS_APPLICATION_CREDENTIAL_SECRET', c.application_credential_secret,
  );

  const rawInterface = oneOf(
    ['OS_INTERFACE', pick(flags.osInterface, 'OS_INTERFACE', cloud?.interface)],
    ['OS_ENDPOINT_TYPE', firstSet(flags.osEndpointType, env.OS_ENDPOINT_TYPE, cloud?.endpoint_type)],
  );
  const ifaceFlag = flags.osInterface ?? flags.osEndpointType;
  const iface = !rawInterface
    ? 'public'
    : ifaceFlag !== undefined && ifaceFlag === rawInterface
      ? normalizeInterface(rawInterface, flags.osInterface !== undefined ? '--os-interface' : '--os-endpoint-type', UsageError)
      : normalizeInterface(rawInterface, 'OS_INTERFACE');

  const apiVersion = pick(flags.osImageApiVersion, 'OS_IMAGE_API_VERSION', cloud?.image_api_version);
  if (apiVersion && !/^2(\.\d+)?$/.test(apiVersion)) {
    throw new ConfigError(`Image API version '${apiVersion}' is not supported; set OS_IMAGE_API_VERSION=2 or unset it`);
  }
  const identityVersion = env.OS_IDENTITY_API_VERSION ?? cloud?.identity_api_version;
  if (identityVersion !== undefined && !/^3(\.\d+)?$/.test(String(identityVersion))) {
    throw new ConfigError(
      `Keystone v${identityVersion} is not supported; set OS_IDENTITY_API_VERSION=3 (or unset it) and use a v3 OS_AUTH_URL`,
    );
  }

  const insecureRaw = flags.insecure ? 'true' : firstSet(env.OS_INSECURE, cloud?.verify === false ? 'true' : undefined);
  const insecure = insecureRaw ? parseBool(insecureRaw, 'OS_INSECURE') : false;
  const timeoutRaw = flags.timeout ?? env.OS_TIMEOUT ?? cloud?.api_timeout;
  const timeout = timeoutRaw === undefined ? 600 : Number(timeoutRaw);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_TIMEOUT_S) {
    // a bad flag is a usage mistake (exit 2); a bad variable or clouds.yaml entry a settings error
    const Err = flags.timeout !== undefined ? UsageError : ConfigError;
    const name = flags.timeout !== undefined ? '--timeout' : env.OS_TIMEOUT !== undefined ? 'OS_TIMEOUT' : 'api_timeout (clouds.yaml)';
    throw new Err(`${name} must be a positive number of seconds up to ${MAX_TIMEOUT_S}, not '${timeoutRaw}'`);
  }

  const rawType = firstSet(flags.osAuthType, flags.osAuthPlugin, env.OS_AUTH_TYPE, env.OS_AUTH_PLUGIN, cloud?.auth_type);
  let authType: AuthType;
  if (rawType) {
    const t = AUTH_TYPES[rawType.toLowerCase().replace(/[-_]/g, '')];
    if (!t) {
      throw new ConfigError(
        `Unsupported auth type '${rawType}' (OS_AUTH_TYPE); use password, token or v3applicationcredential`,
      );
    }
    authType = t;
  } else if (appCredId || appCredName) {
    authType = 'v3applicationcredential';
  } else if (token && !password) {
    authType = 'token';
  } else {
    authType = 'password';
  }

  const settings: AuthSettings = {
    authType,
    authUrl,
    username,
    userId,
    password,
    userDomainName: userDomainName ?? (userDomainId ? undefined : defaultDomainName),
    userDomainId: userDomainId ?? (userDomainName ? undefined : defaultDomainId),
    projectName,
    projectId,
    projectDomainName: projectDomainName ?? (projectDomainId ? undefined : defaultDomainName),
    projectDomainId: projectDomainId ?? (projectDomainName ? undefined : defaultDomainId),
    token,
    applicationCredentialId: appCredId,
    applicationCredentialName: appCredName,
    applicationCredentialSecret: appCredSecret,
    regionName: pick(flags.osRegionName, 'OS_REGION_NAME', cloud?.region_name),
    interface: iface,
    serviceType: pick(flags.osServiceType, 'OS_SERVICE_TYPE') ?? 'image',
    imageUrl: pick(flags.osImageUrl, 'OS_IMAGE_URL', cloud?.image_endpoint_override),
    cacert: pick(flags.osCacert, 'OS_CACERT', cloud?.cacert),
    cert: pick(flags.osCert, 'OS_CERT', cloud?.cert),
    key: pick(flags.osKey, 'OS_KEY', cloud?.key),
    insecure,
    timeout,
    cloud: cloud?.name,
  };
  validate(settings);
  return settings;
}

/** Checks that need no server. Each message names the variable (and flag) to set. */
function validate(s: AuthSettings): void {
  // A token plus an explicit image URL needs no Keystone at all (glanceclient's --os-image-url + --os-auth-token).
  if (s.authType === 'token' && s.token && s.imageUrl) return;
  if (!s.authUrl) {
    throw new ConfigError('Missing auth URL: set OS_AUTH_URL (or --os-auth-url), or OS_CLOUD to use clouds.yaml');
  }
  if (!/^https?:\/\/[^/]+/i.test(s.authUrl)) {
    throw new ConfigError(`OS_AUTH_URL must be an http(s) URL, not '${s.authUrl.replace(/\/\/[^/@]*@/, '//')}'`);
  }
  if (/\/v2\.0\/?$/.test(s.authUrl)) {
    throw new ConfigError('Keystone v2.0 is not supported; set OS_AUTH_URL to the v3 endpoint (…/v3)');
  }
  if (s.key && !s.cert) throw new ConfigError('OS_KEY is set without OS_CERT; set OS_CERT to the client certificate');
  const project = () => {
    if (s.projectId) return;
    if (!s.projectName) {
      throw new ConfigError('Missing project: set OS_PROJECT_NAME or OS_PROJECT_ID (--os-project-name/--os-project-id)');
    }
    if (!s.projectDomainName && !s.projectDomainId) {
      throw new ConfigError(
        'Missing project domain: set OS_PROJECT_DOMAIN_NAME or OS_PROJECT_DOMAIN_ID (e.g. OS_PROJECT_DOMAIN_ID=default)',
      );
    }
  };
  const user = (why: string) => {
    if (s.userId) return;
    if (!s.username) throw new ConfigError(`Missing user: set OS_USERNAME or OS_USER_ID${why}`);
    if (!s.userDomainName && !s.userDomainId) {
      throw new ConfigError(
        'Missing user domain: set OS_USER_DOMAIN_NAME or OS_USER_DOMAIN_ID (e.g. OS_USER_DOMAIN_ID=default)',
      );
    }
  };
  switch (s.authType) {
    case 'password':
      user(' (--os-username/--os-user-id)');
      if (!s.password) throw new MissingPasswordError();
      project();
      return;
    case 'token':
      if (!s.token) throw new ConfigError('Missing token: set OS_TOKEN or OS_AUTH_TOKEN (--os-token)');
      return;
    case 'v3applicationcredential':
      if (!s.applicationCredentialId && !s.applicationCredentialName) {
        throw new ConfigError('Missing application credential: set OS_APPLICATION_CREDENTIAL_ID (or _NAME)');
      }
      if (!s.applicationCredentialSecret) {
        throw new ConfigError('Missing application credential secret: set OS_APPLICATION_CREDENTIAL_SECRET');
      }
      if (!s.applicationCredentialId) user(' (an application credential name needs its user)');
      if (s.projectName || s.projectId) {
        throw new ConfigError(
          'An application credential is bound to its project: unset OS_PROJECT_NAME/OS_PROJECT_ID (and OS_TENANT_*)',
        );
      }
      return;
  }
}

/** Keystone's v3 base URL from OS_AUTH_URL, without discovery: append /v3 when no version is given. */
export function identityBase(authUrl: string): string {
  const url = authUrl.replace(/\/+$/, '');
  return /\/v3(\.\d+)?$/.test(url) ? url.replace(/\/v3\.\d+$/, '/v3') : `${url}/v3`;
}
