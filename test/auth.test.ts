/**
 * Every auth mode against the real Keystone, and every bad setting with its exact message and exit
 * status. Keystone's own request log counts tsglance's token requests (by its User-Agent).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsglance as run, uniqueName, viaPty, type RunOpts } from './helpers/run.js';
import { issueToken, rest, stackEnv } from './helpers/stack.js';
import { postsSince, settledPosts } from './helpers/token.js';

// token requests are what these tests count: no token cache between runs
const tsglance = (args: string[], opts: RunOpts = {}) => run(args, { ...opts, env: { OS_NO_CACHE: '1', ...opts.env } });

const admin = stackEnv('admin');
const demo = stackEnv('demo');
const AUTH = admin.OS_AUTH_URL;

/** The admin openrc minus the named variables. */
function without(...names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((n) => [n, undefined]));
}

const PASSWORD_VARS = [
  'OS_AUTH_TYPE', 'OS_USERNAME', 'OS_PASSWORD', 'OS_PROJECT_NAME', 'OS_USER_DOMAIN_NAME', 'OS_PROJECT_DOMAIN_NAME',
  'OS_USER_DOMAIN_ID', 'OS_PROJECT_DOMAIN_ID',
];

let appCred: { id: string; name: string; secret: string; userId: string; token: string } | undefined;

beforeAll(async () => {
  const { token, userId } = await issueToken('admin');
  const name = uniqueName('tsglance-appcred');
  const res = await rest('POST', `${AUTH}/users/${userId}/application_credentials`, {
    headers: { 'x-auth-token': token },
    json: { application_credential: { name } },
  });
  expect(res.status).toBe(201);
  const body = JSON.parse(res.text) as { application_credential: { id: string; secret: string } };
  appCred = { id: body.application_credential.id, secret: body.application_credential.secret, name, userId, token };
});

afterAll(async () => {
  if (appCred) {
    await rest('DELETE', `${AUTH}/users/${appCred.userId}/application_credentials/${appCred.id}`, {
      headers: { 'x-auth-token': appCred.token },
    });
  }
});

describe('auth modes against the real Keystone', () => {
  it('admin password: exactly one token request per run', async () => {
    const before = await settledPosts();
    const res = await tsglance(['image-list', '-f', 'json']);
    expect(res.code, res.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(res.stdout))).toBe(true);
    expect(await postsSince(before, 1)).toBe(1);
  });

  it('demo password (OS_TENANT_NAME alias, domain names only)', async () => {
    const res = await tsglance(['stores-info', '-f', 'json'], {
      as: 'demo',
      env: { OS_PROJECT_NAME: undefined, OS_TENANT_NAME: demo.OS_PROJECT_NAME, OS_USER_DOMAIN_ID: undefined, OS_PROJECT_DOMAIN_ID: undefined },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).stores.map((s: { id: string }) => s.id)).toEqual(['central', 'dcn0', 'dcn1']);
  });

  it('token from OS_TOKEN (validated once, catalog from the token) and OS_AUTH_TOKEN', async () => {
    const { token } = await issueToken('admin');
    for (const name of ['OS_TOKEN', 'OS_AUTH_TOKEN']) {
      const before = await settledPosts();
      const res = await tsglance(['import-info', '-f', 'value'], { env: { ...without(...PASSWORD_VARS), [name]: token } });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain('glance-direct');
      expect(await postsSince(before)).toBe(0);
    }
  });

  it('token + OS_IMAGE_URL needs no Keystone at all', async () => {
    const { token } = await issueToken('admin');
    const res = await tsglance(['import-info', '-f', 'value'], {
      env: { ...without(...PASSWORD_VARS), OS_AUTH_URL: 'http://127.0.0.1:1/v3', OS_TOKEN: token, OS_IMAGE_URL: admin.GLANCE_STACK_GLANCE_URL },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('web-download');
  });

  it('application credential by id, and by name with its user', async () => {
    const byId = await tsglance(['stores-info', '-f', 'value'], {
      env: { ...without(...PASSWORD_VARS), OS_APPLICATION_CREDENTIAL_ID: appCred!.id, OS_APPLICATION_CREDENTIAL_SECRET: appCred!.secret },
    });
    expect(byId.code, byId.stderr).toBe(0);
    expect(byId.stdout).toContain('central');
    const byName = await tsglance(['stores-info', '-f', 'value'], {
      env: {
        ...without(...PASSWORD_VARS),
        OS_AUTH_TYPE: 'v3applicationcredential',
        OS_APPLICATION_CREDENTIAL_NAME: appCred!.name,
        OS_APPLICATION_CREDENTIAL_SECRET: appCred!.secret,
        OS_USERNAME: 'admin',
        OS_USER_DOMAIN_NAME: 'Default',
      },
    });
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toContain('central');
  });

  it('clouds.yaml in the current directory with the password in secure.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsglance-clouds-'));
    writeFileSync(
      join(dir, 'clouds.yaml'),
      `clouds:\n  local:\n    auth:\n      auth_url: ${AUTH}\n      username: demo\n      project_name: demo\n      user_domain_name: Default\n      project_domain_name: Default\n    region_name: RegionOne\n    interface: public\n    identity_api_version: 3\n`,
    );
    writeFileSync(join(dir, 'secure.yaml'), `clouds:\n  local:\n    auth:\n      password: ${demo.OS_PASSWORD}\n`);
    const res = await tsglance(['stores-info', '-f', 'json'], { as: 'none', env: { OS_CLOUD: 'local' }, cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).stores).toHaveLength(3);
    // the same file named by OS_CLIENT_CONFIG_FILE, the cloud chosen by --os-cloud; no secure.yaml there
    const other = mkdtempSync(join(tmpdir(), 'tsglance-cwd-'));
    const viaFile = await tsglance(['--os-cloud', 'local', 'stores-info', '-f', 'json'], {
      as: 'none',
      env: { OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml'), OS_PASSWORD: demo.OS_PASSWORD },
      cwd: other,
    });
    expect(viaFile.code, viaFile.stderr).toBe(0);
    const unknown = await tsglance(['image-list'], { as: 'none', env: { OS_CLOUD: 'nowhere' }, cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`Cloud 'nowhere' (OS_CLOUD) is not in ${join(dir, 'clouds.yaml')}; known clouds: local\n`);
  });
});

describe('bad settings: one line naming what to set', () => {
  const cases: [string, Record<string, string | undefined>, string][] = [
    ['missing auth URL', without('OS_AUTH_URL'), 'Missing auth URL: set OS_AUTH_URL (or --os-auth-url), or OS_CLOUD to use clouds.yaml'],
    ['missing password', without('OS_PASSWORD'), 'Missing password: set OS_PASSWORD (or --os-password)'],
    ['missing project', without('OS_PROJECT_NAME'), 'Missing project: set OS_PROJECT_NAME or OS_PROJECT_ID (--os-project-name/--os-project-id)'],
    ['contradictory interface', { OS_ENDPOINT_TYPE: 'internal' }, 'OS_INTERFACE and OS_ENDPOINT_TYPE are both set and differ; unset one of them'],
    ['bad interface', { OS_INTERFACE: 'private' }, "OS_INTERFACE must be public, internal or admin, not 'private'"],
    ['unknown auth type', { OS_AUTH_TYPE: 'v3totp' }, "Unsupported auth type 'v3totp' (OS_AUTH_TYPE); use password, token or v3applicationcredential"],
    ['Keystone v2', { OS_AUTH_URL: 'http://127.0.0.1:5000/v2.0' }, 'Keystone v2.0 is not supported; set OS_AUTH_URL to the v3 endpoint (…/v3)'],
  ];
  for (const [what, env, message] of cases) {
    it(`${what}: exit 1 before any request`, async () => {
      const before = await settledPosts();
      const res = await tsglance(['image-list'], { env });
      expect(res.stderr).toBe(`${message}\n`);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(await postsSince(before)).toBe(0);
    });
  }

  it('at a terminal a missing password is asked for, without echo (as glanceclient does)', async () => {
    const res = await viaPty(['image-list', '-f', 'value', '-c', 'id'], {
      env: { OS_PASSWORD: undefined, OS_NO_CACHE: '1' },
      prompt: 'OS Password: ',
      answer: admin.OS_PASSWORD,
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('OS Password: ');
    expect(res.stdout).not.toContain(admin.OS_PASSWORD);
    const wrong = await viaPty(['image-list'], { env: { OS_PASSWORD: undefined, OS_NO_CACHE: '1' }, prompt: 'OS Password: ', answer: 'nope' });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain("rejected user 'admin' (HTTP 401)");
  });

  it('the password prompt edits the line as a shell does (Ctrl-U, backspace, arrows) and never echoes it', async () => {
    const pw = admin.OS_PASSWORD;
    const LEFT = '\x1b[D';
    // typed: junk, Ctrl-U (clears it); the password without its first letter and with a stray X,
    // backspace (drops the X), left arrow to the start, the first letter
    const typed = [...'junk', '\x15', ...pw.slice(1), 'X', '\x7f', ...Array<string>(pw.length - 1).fill(LEFT), pw[0]];
    const res = await viaPty(['image-list', '-f', 'value', '-c', 'id'], {
      env: { OS_PASSWORD: undefined, OS_NO_CACHE: '1' },
      prompt: 'OS Password: ',
      answer: typed,
    });
    expect(res.code, res.stdout).toBe(0);
    // nothing between the question and the end of its line: no letters, no [D, no stars
    expect(res.stdout).toMatch(/OS Password: \r?\n/);
    for (const shown of [pw, 'junk', '[D', pw.slice(1)]) expect(res.stdout).not.toContain(shown);
  });

  it('Ctrl-C at the password prompt exits 130 without a request', async () => {
    const res = await viaPty(['image-list'], {
      env: { OS_PASSWORD: undefined, OS_NO_CACHE: '1' },
      prompt: 'OS Password: ',
      answer: ['a', 'b', '\x03'],
      enter: false,
    });
    expect(res.code).toBe(130);
    expect(res.stdout).toMatch(/OS Password: \r?\nInterrupted\.\r?\n$/);
  });

  it('no password typed within TSGLANCE_PROMPT_TIMEOUT: one line naming the bound, exit 1', async () => {
    const started = Date.now();
    // the prompt is answered by nobody
    const res = await viaPty(['image-list'], { env: { OS_PASSWORD: undefined, OS_NO_CACHE: '1', TSGLANCE_PROMPT_TIMEOUT: '1' } });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/OS Password: \r?\nNo password entered within 1 s \(TSGLANCE_PROMPT_TIMEOUT\); nothing was sent\r?\n$/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('wrong password', async () => {
    const res = await tsglance(['image-list'], { env: { OS_PASSWORD: 'wrong' } });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `Keystone at ${AUTH} rejected user 'admin' (HTTP 401): check OS_USERNAME, OS_USER_DOMAIN_NAME/_ID and OS_PASSWORD\n`,
    );
  });

  it('unknown project', async () => {
    const res = await tsglance(['image-list'], { env: { OS_PROJECT_NAME: 'no-such-project' } });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      "Authentication worked but project 'no-such-project' (domain Default) was not found or user 'admin' has no role on it; check OS_PROJECT_NAME and OS_PROJECT_DOMAIN_NAME/_ID\n",
    );
  });

  it('unreachable Keystone', async () => {
    const res = await tsglance(['image-list'], { env: { OS_AUTH_URL: 'http://127.0.0.1:1/v3' } });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('Unable to reach http://127.0.0.1:1: connection refused (OS_AUTH_URL=http://127.0.0.1:1/v3)\n');
  });

  it('no image endpoint in the catalog for the region', async () => {
    const res = await tsglance(['image-list'], { env: { OS_REGION_NAME: 'Mars' } });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'No image endpoint in the service catalog (interface public, region Mars): the catalog has it for regions RegionOne; check OS_REGION_NAME and OS_INTERFACE\n',
    );
  });

  it('--debug redacts the password and the token', async () => {
    const res = await tsglance(['--debug', 'image-list', '-f', 'value']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('REQ POST');
    expect(res.stderr).toContain('"password":"<redacted>"');
    expect(res.stderr).toContain('"x-auth-token":"<redacted>"');
    expect(res.stderr).not.toContain(admin.OS_PASSWORD);
    expect(res.stderr).not.toMatch(/gAAAAA[\w-]{20,}/); // fernet tokens
  });
});
