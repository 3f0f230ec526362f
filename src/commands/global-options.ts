import { FORMATS } from '../output/format.js';
import type { OptionDef } from './types.js';

/**
 * glanceclient's global options (plus OS_CLOUD, OS_TOKEN, OS_INTERFACE, OS_INSECURE and output
 * formats it lacks). Defaults from the environment are applied in auth/settings.ts, not here, so
 * that a flag given on the command line can be told from an inherited variable.
 */
export const GLOBAL_OPTIONS: OptionDef[] = [
  { flags: '--os-cloud <NAME>', description: 'Cloud name in clouds.yaml.', env: 'OS_CLOUD' },
  { flags: '--os-auth-url <URL>', description: 'Keystone v3 URL.', env: 'OS_AUTH_URL' },
  {
    flags: '--os-auth-type <TYPE>',
    description: 'password, token or v3applicationcredential (inferred when not given).',
    env: 'OS_AUTH_TYPE',
  },
  { flags: '--os-auth-plugin <TYPE>', description: 'Alias of --os-auth-type.', hidden: true },
  { flags: '--os-username <NAME>', description: 'User name.', env: 'OS_USERNAME' },
  { flags: '--os-user-name <NAME>', description: 'Alias of --os-username.', hidden: true },
  { flags: '--os-user-id <ID>', description: 'User ID.', env: 'OS_USER_ID' },
  { flags: '--os-password <PASSWORD>', description: 'Password (prefer OS_PASSWORD: flags show in ps).', env: 'OS_PASSWORD' },
  { flags: '--os-project-name <NAME>', description: 'Project name.', env: 'OS_PROJECT_NAME' },
  { flags: '--os-tenant-name <NAME>', description: 'Alias of --os-project-name.', env: 'OS_TENANT_NAME', hidden: true },
  { flags: '--os-project-id <ID>', description: 'Project ID.', env: 'OS_PROJECT_ID' },
  { flags: '--os-tenant-id <ID>', description: 'Alias of --os-project-id.', env: 'OS_TENANT_ID', hidden: true },
  { flags: '--os-user-domain-name <NAME>', description: 'User domain name.', env: 'OS_USER_DOMAIN_NAME' },
  { flags: '--os-user-domain-id <ID>', description: 'User domain ID.', env: 'OS_USER_DOMAIN_ID' },
  { flags: '--os-project-domain-name <NAME>', description: 'Project domain name.', env: 'OS_PROJECT_DOMAIN_NAME' },
  { flags: '--os-project-domain-id <ID>', description: 'Project domain ID.', env: 'OS_PROJECT_DOMAIN_ID' },
  {
    flags: '--os-default-domain-name <NAME>',
    description: 'Domain for user and project when neither names one.',
    env: 'OS_DEFAULT_DOMAIN_NAME',
    hidden: true,
  },
  {
    flags: '--os-default-domain-id <ID>',
    description: 'Domain ID for user and project when neither names one.',
    env: 'OS_DEFAULT_DOMAIN_ID',
    hidden: true,
  },
  { flags: '--os-token <TOKEN>', description: 'An existing Keystone token.', env: 'OS_TOKEN' },
  { flags: '--os-auth-token <TOKEN>', description: 'Alias of --os-token.', env: 'OS_AUTH_TOKEN', hidden: true },
  {
    flags: '--os-application-credential-id <ID>',
    description: 'Application credential ID.',
    env: 'OS_APPLICATION_CREDENTIAL_ID',
  },
  {
    flags: '--os-application-credential-name <NAME>',
    description: 'Application credential name (with the user).',
    env: 'OS_APPLICATION_CREDENTIAL_NAME',
  },
  {
    flags: '--os-application-credential-secret <SECRET>',
    description: 'Application credential secret.',
    env: 'OS_APPLICATION_CREDENTIAL_SECRET',
  },
  { flags: '--os-region-name <REGION>', description: 'Region of the image endpoint.', env: 'OS_REGION_NAME' },
  {
    flags: '--os-interface <INTERFACE>',
    description: 'Catalog interface: public, internal or admin (default public).',
    env: 'OS_INTERFACE',
    complete: { values: ['public', 'internal', 'admin'] },
  },
  { flags: '--os-endpoint-type <INTERFACE>', description: 'Alias of --os-interface.', env: 'OS_ENDPOINT_TYPE', hidden: true },
  { flags: '--os-service-type <TYPE>', description: 'Catalog service type (default image).', env: 'OS_SERVICE_TYPE', hidden: true },
  { flags: '--os-image-url <URL>', description: 'Glance endpoint; skips the catalog lookup.', env: 'OS_IMAGE_URL' },
  { flags: '--os-image-api-version <VERSION>', description: 'Only 2 is supported.', env: 'OS_IMAGE_API_VERSION' },
  { flags: '--os-cacert <FILE>', description: 'CA bundle to verify TLS servers.', env: 'OS_CACERT', complete: 'files' },
  { flags: '--os-cert <FILE>', description: 'Client certificate (PEM).', env: 'OS_CERT', complete: 'files' },
  { flags: '--os-key <FILE>', description: 'Client certificate key (PEM).', env: 'OS_KEY', complete: 'files' },
  { flags: '-k, --insecure', description: 'Do not verify TLS certificates.', env: 'OS_INSECURE' },
  { flags: '--timeout <SECONDS>', description: 'Time limit in seconds for each API call, headers and body; idle time for image data (default 600).' },
  { flags: '--no-token-cache', description: 'Neither read nor store cached tokens.', env: 'OS_NO_CACHE' },
  {
    flags: '-f, --format <FORMAT>',
    description: 'Output format.',
    choices: FORMATS,
    complete: { values: FORMATS },
  },
  { flags: '-c, --column <COLUMN>', description: 'Show only this column (repeatable).', repeatable: true },
  {
    flags: '--sort-column <COLUMN>',
    description: 'Sort list rows by this column (repeatable; the first one given sorts first).',
    repeatable: true,
  },
  { flags: '--noindent', description: 'JSON on one line (-f json).' },
  { flags: '--max-width <N>', description: 'Fit tables in N columns, wrapping cells (0: no limit).', type: 'int' },
  {
    flags: '--fit-width',
    description: 'Fit tables to the terminal width, wrapping cells.',
    env: 'TSGLANCE_FIT_WIDTH',
  },
  { flags: '-v, --verbose', description: 'More columns (image-list, image-tasks) and messages.' },
  { flags: '-d, --debug', description: 'Log HTTP requests (secrets redacted) and show stack traces.' },
];
