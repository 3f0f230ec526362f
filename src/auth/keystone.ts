/**
 * Keystone v3: one POST /v3/auth/tokens (or one GET for an existing token) returns the token and
 * the catalog the image endpoint comes from. No version discovery: that would be a second request.
 */
import { ConfigError } from '../errors.js';
import { BadResponseError, HttpError, ConnectionError, parseJsonBody, redactUrl, type HttpClient, type HttpMethod, type HttpResponse } from '../http.js';
import { identityBase, type AuthSettings } from './settings.js';

export interface CatalogEndpoint {
  interface: string;
  region?: string;
  region_id?: string;
  url: string;
}

export interface CatalogService {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

export interface TokenInfo {
  token: string;
  expiresAt: string;
  catalog: CatalogService[];
  userId?: string;
  projectId?: string;
  /** the salted scrypt hash of the secret that obtained it (secret-binding.ts); cached with the token */
  binding?: string;
}

interface TokenBody {
  token: {
    expires_at: string;
    catalog?: CatalogService[];
    user?: { id: string };
    project?: { id: string };
  };
}

function domain(name?: string, id?: string): Record<string, string> | undefined {
  if (id) return { id };
  if (name) return { name };
  return undefined;
}

function userRef(s: AuthSettings): Record<string, unknown> {
  return s.userId ? { id: s.userId } : { name: s.username, domain: domain(s.userDomainName, s.userDomainId) };
}

function projectScope(s: AuthSettings): Record<string, unknown> | undefined {
  if (s.projectId) return { project: { id: s.projectId } };
  if (s.projectName) return { project: { name: s.projectName, domain: domain(s.projectDomainName, s.projectDomainId) } };
  return undefined;
}

export function authRequestBody(s: AuthSettings, scoped = true): Record<string, unknown> {
  let identity: Record<string, unknown>;
  let scope = scoped ? projectScope(s) : undefined;
  switch (s.authType) {
    case 'password':
      identity = { methods: ['password'], password: { user: { ...userRef(s), password: s.password } } };
      break;
    case 'token':
      identity = { methods: ['token'], token: { id: s.token } };
      break;
    case 'v3applicationcredential':
      identity = {
        methods: ['application_credential'],
        application_credential: s.applicationCredentialId
          ? { id: s.applicationCredentialId, secret: s.applicationCredentialSecret }
          : { name: s.applicationCredentialName, secret: s.applicationCredentialSecret, user: userRef(s) },
      };
      scope = undefined;
      break;
  }
  return { auth: scope ? { identity, scope } : { identity } };
}

function describeWho(s: AuthSettings): string {
  switch (s.authType) {
    case 'password':
      return `user '${s.username ?? s.userId}'`;
    case 'token':
      return 'the token (OS_TOKEN)';
    case 'v3applicationcredential':
      return `application credential '${s.applicationCredentialId ?? s.applicationCredentialName}'`;
  }
}

function describeProject(s: AuthSettings): string {
  if (s.projectId) return `project id '${s.projectId}'`;
  return `project '${s.projectName}' (domain ${s.projectDomainName ?? s.projectDomainId})`;
}

export async function authenticate(http: HttpClient, s: AuthSettings): Promise<TokenInfo> {
  const base = identityBase(s.authUrl!);
  try {
    // A bare token with no project to scope to: validate it and take its own catalog.
    if (s.authType === 'token' && !s.projectId && !s.projectName) {
      const res = await http.request('GET', `${base}/auth/tokens`, {
        headers: { 'x-auth-token': s.token!, 'x-subject-token': s.token!, accept: 'application/json' },
      });
      return toTokenInfo(s.token!, await tokenBody(res, 'GET'));
    }
    const res = await http.request('POST', `${base}/auth/tokens`, {
      json: authRequestBody(s),
      headers: { accept: 'application/json' },
    });
    const token = res.headers['x-subject-token'];
    const body = await tokenBody(res, 'POST');
    if (typeof token !== 'string') throw new ConfigError(`Keystone at ${redactUrl(base)} returned no X-Subject-Token`);
    return toTokenInfo(token, body);
  } catch (err) {
    throw await explainAuthFailure(http, s, base, err);
  }
}

/**
 * The token body, checked for what tsglance uses (expires_at, and a catalog of services whose
 * endpoints have a url and an interface); anything else is one line naming the URL.
 */
async function tokenBody(res: HttpResponse, method: HttpMethod): Promise<TokenBody> {
  const body = (await parseJsonBody(res, method, 'Keystone')) as { token?: Record<string, unknown> } | undefined;
  const bad = (problem: string) =>
    new BadResponseError(`Keystone returned a response that is not a token: ${problem} (${method} ${res.url})`);
  const token = body && typeof body === 'object' ? body.token : undefined;
  if (!token || typeof token !== 'object') throw bad('"token" is missing');
  if (typeof token.expires_at !== 'string') throw bad('"token.expires_at" is not a string');
  const catalog = token.catalog;
  if (catalog !== undefined && catalog !== null) {
    if (!Array.isArray(catalog)) throw bad('"token.catalog" is not a list');
    catalog.forEach((svc: unknown, i) => {
      const service = svc as { type?: unknown; endpoints?: unknown } | null;
      if (!service || typeof service !== 'object' || typeof service.type !== 'string') throw bad(`catalog entry ${i} has no "type"`);
      if (!Array.isArray(service.endpoints)) throw bad(`the ${service.type} service's "endpoints" is not a list`);
      service.endpoints.forEach((e: unknown, j) => {
        const ep = e as { url?: unknown; interface?: unknown } | null;
        if (!ep || typeof ep !== 'object' || typeof ep.url !== 'string' || typeof ep.interface !== 'string') {
          throw bad(`endpoint ${j} of the ${service.type} service has no "url" or "interface"`);
        }
      });
    });
  }
  return { token: { ...token, catalog: (catalog ?? []) as CatalogService[] } } as TokenBody;
}

function toTokenInfo(token: string, body: TokenBody): TokenInfo {
  return {
    token,
    expiresAt: body.token.expires_at,
    catalog: body.token.catalog ?? [],
    userId: body.token.user?.id,
    projectId: body.token.project?.id,
  };
}

/**
 * Keystone answers 401 both for bad credentials and for a project the user cannot scope to. Only
 * on that failure path, one unscoped attempt tells the two apart so the message names the right
 * variable.
 */
async function explainAuthFailure(http: HttpClient, s: AuthSettings, base: string, err: unknown): Promise<unknown> {
  if (err instanceof ConnectionError) {
    return new ConfigError(`${err.message} (OS_AUTH_URL=${redactUrl(s.authUrl ?? '')})`);
  }
  if (!(err instanceof HttpError)) return err;
  if (err.status === 404) {
    return new ConfigError(`No Keystone v3 API at ${redactUrl(base)} (HTTP 404); check OS_AUTH_URL`);
  }
  if (err.status !== 401) return err;
  const scoped = projectScope(s);
  if (scoped && s.authType !== 'v3applicationcredential') {
    try {
      await http.request('POST', `${base}/auth/tokens`, { json: authRequestBody(s, false) });
      return new ConfigError(
        `Authentication worked but ${describeProject(s)} was not found or ${describeWho(s)} has no role on it; check ${s.projectId ? 'OS_PROJECT_ID' : 'OS_PROJECT_NAME and OS_PROJECT_DOMAIN_NAME/_ID'}`,
      );
    } catch {
      /* the credentials themselves are wrong: fall through */
    }
  }
  const hint: Record<AuthSettings['authType'], string> = {
    password: 'check OS_USERNAME, OS_USER_DOMAIN_NAME/_ID and OS_PASSWORD',
    token: 'the token is invalid or expired; get a new one (openstack token issue) and set OS_TOKEN',
    v3applicationcredential: 'check OS_APPLICATION_CREDENTIAL_ID/_NAME and OS_APPLICATION_CREDENTIAL_SECRET',
  };
  return new ConfigError(`Keystone at ${redactUrl(base)} rejected ${describeWho(s)} (HTTP 401): ${hint[s.authType]}`);
}

/** The image endpoint from the catalog: service type, interface and (when given) region must match. */
export function findEndpoint(catalog: CatalogService[], s: Pick<AuthSettings, 'serviceType' | 'interface' | 'regionName'>): string {
  const services = catalog.filter((svc) => svc.type === s.serviceType);
  const candidates = services
    .flatMap((svc) => svc.endpoints)
    .filter((e) => e.interface === s.interface)
    .filter((e) => !s.regionName || e.region_id === s.regionName || e.region === s.regionName);
  if (candidates.length === 0) {
    const where = `interface ${s.interface}${s.regionName ? `, region ${s.regionName}` : ''}`;
    const regions = [...new Set(services.flatMap((svc) => svc.endpoints).map((e) => e.region_id ?? e.region))];
    const hint = services.length
      ? `the catalog has it for regions ${regions.join(', ') || '(none)'}; check OS_REGION_NAME and OS_INTERFACE`
      : 'set OS_IMAGE_URL to the Glance endpoint';
    throw new ConfigError(`No ${s.serviceType} endpoint in the service catalog (${where}): ${hint}`);
  }
  const regions = [...new Set(candidates.map((e) => e.region_id ?? e.region))];
  if (!s.regionName && regions.length > 1) {
    throw new ConfigError(`Several regions offer the ${s.serviceType} service (${regions.join(', ')}): set OS_REGION_NAME`);
  }
  return stripImageVersion(candidates[0].url);
}

/** Catalog entries sometimes carry /v2 at the end; the client adds version paths itself. */
export function stripImageVersion(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v\d+(\.\d+)?$/, '');
}
