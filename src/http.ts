/**
 * The only module that talks HTTP. Two transports behind one request(): undici `request` (not
 * fetch: 2-3x faster for bodies here) for image data and whenever a dispatcher is injected
 * (MockAgent in tests), and node:http for the small JSON calls that make up most runs — undici
 * costs ~120 ms to import, which is most of a warm `image-list`. One keep-alive agent each,
 * JSON helpers, readable error lines, bounded retries for idempotent calls, a redacting debug log.
 */
import type { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { CliError } from './errors.js';
import { systemClock, type Clock } from './clock.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Headers = Record<string, string>;

export interface HttpClientOptions {
  /**
   * seconds (glanceclient's --timeout, default 600): the whole exchange of a JSON call, headers and
   * body; for image data (`stream`) connect, headers and idle time
   */
  timeout?: number;
  insecure?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  /** receives one already-redacted line per event when --debug is on */
  debug?: (line: string) => void;
  /** retries after the first attempt, for idempotent requests */
  retries?: number;
  clock?: Clock;
  /** an undici Dispatcher (MockAgent in tests); default: a keep-alive Agent */
  dispatcher?: unknown;
  /**
   * The run's signal (aborted on SIGINT/SIGTERM/SIGHUP, see signals.ts): every request that does
   * not bring a signal of its own stops with it. A cleanup after an interruption passes its own.
   */
  signal?: AbortSignal;
}

export interface RequestOptions {
  headers?: Headers;
  /** JSON-encoded and sent with content-type application/json unless a content-type is given */
  json?: unknown;
  body?: string | Buffer | Readable | AsyncIterable<Uint8Array>;
  /** statuses that are returned instead of raising HttpError (e.g. [404] for probes) */
  accept?: number[];
  /** force or forbid retries; default: GET/HEAD/DELETE/PUT with a replayable body */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** per-request override of the timeout in seconds (see HttpClientOptions.timeout) */
  timeout?: number;
  /** what the timeout is called in the message when it runs out; default `--timeout N` */
  timeoutName?: string;
  /** image data (up or down): use undici, which moves bulk bodies fastest */
  stream?: boolean;
}

export interface ResponseBody extends Readable {
  json(): Promise<unknown>;
  text(): Promise<string>;
  dump(): Promise<void>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: ResponseBody;
  url: string;
  requestId?: string;
}

export class HttpError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    readonly requestId?: string,
    readonly detail?: string,
    /** the URL asked (userinfo removed) */
    readonly url?: string,
    /** a 3xx answer's Location (userinfo removed): never followed */
    readonly location?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** JSON replies are read up to this many bytes; past it the call fails with one line. */
export const JSON_BODY_CAP = 64 * 1024 * 1024;
/** Of an error reply (an HTML page, a stack dump), this much is kept for the message; the rest is dropped. */
export const ERROR_BODY_CAP = 64 * 1024;

/** A reply that is not what a JSON call can use: too large, not JSON, or cut short. */
export class BadResponseError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'BadResponseError';
  }
}

/** A URL fit to print or store: any user:password@ is removed. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}

/** The server could not be reached at all (refused, reset, DNS, TLS, timeout). */
export class ConnectionError extends CliError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

const STATUS_TEXT: Record<number, string> = {
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 409: 'Conflict', 410: 'Gone', 413: 'Request Entity Too Large',
  415: 'Unsupported Media Type', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function statusLine(status: number): string {
  return `${status}${STATUS_TEXT[status] ? ' ' + STATUS_TEXT[status] : ''}`;
}

/**
 * The human part of an error body: JSON `message` fields (any top-level object's, as glanceclient
 * joins them), or HTML with tags stripped and repeated lines dropped, or plain text.
 */
export function errorDetail(body: string, contentType = ''): string {
  const trimmed = body.trim();
  if (!trimmed) return '';
  if (contentType.includes('json') || trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      const messages: string[] = [];
      if (parsed && typeof parsed === 'object') {
        const obj = parsed as Record<string, unknown>;
        if (typeof obj.message === 'string') messages.push(obj.message);
        for (const value of Object.values(obj)) {
          if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
            messages.push((value as { message: string }).message);
          }
        }
      }
      // webob's JSON error bodies keep the HTML page's '<br /><br />' and blank lines in `message`
      const clean = (m: string) => m.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
      if (messages.length) return messages.map(clean).join(' ');
    } catch {
      /* not JSON after all: fall through to text handling */
    }
  }
  const text = trimmed
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '\n')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(parseInt(dec, 10)))
    .replace(/&amp;/g, '&');
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  return lines.join(': ');
}

/** One readable line for an HTTP failure: `HTTP 404 Not Found: No image found with ID x (request-id req-1)`. */
export function formatHttpError(status: number, detail: string, requestId?: string): string {
  const head = statusLine(status);
  let text = detail;
  if (text.startsWith(head)) text = text.slice(head.length).replace(/^[:\s]+/, '');
  const msg = `HTTP ${head}${text ? ': ' + text : ''}`;
  return requestId ? `${msg} (request-id ${requestId})` : msg;
}

const SECRET_HEADERS = new Set(['x-auth-token', 'x-subject-token', 'authorization', 'x-service-token']);
const SECRET_KEYS = /^(password|secret|token|id_token|access_token|refresh_token|passcode|application_credential_secret)$/i;

export function redactHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? '<redacted>' : String(v);
  }
  return out;
}

/**
 * Deep copy of a JSON value with every secret-looking field replaced. Keystone's token method
 * carries the secret as `"token": {"id": ...}`, so that id is a secret too.
 */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEYS.test(k) && (typeof v === 'string' || typeof v === 'number')) out[k] = '<redacted>';
      else if (k === 'token' && v && typeof v === 'object' && 'id' in v) out[k] = { ...(redactJson(v) as object), id: '<redacted>' };
      else out[k] = redactJson(v);
    }
    return out;
  }
  return value;
}

const RETRY_STATUSES = new Set([502, 503, 504]);
const RETRY_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);
const MAX_BACKOFF_MS = 10_000;

function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Retry-After is seconds or an HTTP date; capped so that a hostile value cannot stall us. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, MAX_BACKOFF_MS);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.min(Math.max(0, date - now), MAX_BACKOFF_MS);
  return undefined;
}

function isReplayable(body: RequestOptions['body']): boolean {
  return body === undefined || typeof body === 'string' || Buffer.isBuffer(body);
}

function connectionMessage(url: string, err: unknown): { message: string; code?: string } {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code && e.code !== 'UND_ERR_SOCKET' ? e.code : (e?.cause?.code ?? e?.code);
  let origin = redactUrl(url);
  try {
    origin = new URL(url).origin;
  } catch {
    /* keep the raw string */
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by peer',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'temporary DNS failure',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for the response',
    UND_ERR_BODY_TIMEOUT: 'timed out reading the response',
    UND_ERR_SOCKET: 'connection closed by peer',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    CERT_HAS_EXPIRED: 'TLS certificate has expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate (use --os-cacert or --insecure)',
    SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain (use --os-cacert or --insecure)',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified (use --os-cacert or --insecure)',
  };
  const reason = (code && reasons[code]) || e?.cause?.message || e?.message || String(err);
  return { message: `Unable to reach ${origin}: ${reason}`, code };
}

interface RawResponse {
  status: number;
  headers: HttpResponse['headers'];
  body: ResponseBody;
}

/** node:http's response, given body helpers by HttpClient.request (withBodyHelpers). */
function nodeBody(res: import('node:http').IncomingMessage): ResponseBody {
  const body = res as unknown as ResponseBody;
  // wait for 'end': only then is the socket back in the keep-alive pool for the next attempt
  body.dump = async () => {
    if (res.readableEnded || res.destroyed) return;
    const done = new Promise((resolve) => res.once('end', resolve).once('close', resolve));
    res.resume();
    await done;
  };
  return body;
}

/** At most `cap` bytes of a body; `over` when there was more (the rest is not read: the stream is destroyed). */
async function readCapped(body: Readable, cap: number): Promise<{ bytes: Buffer; over: boolean }> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > cap) {
      chunks.push(chunk.subarray(0, chunk.length - (n - cap)));
      body.destroy();
      return { bytes: Buffer.concat(chunks), over: true };
    }
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks), over: false };
}

interface BodyContext {
  method: HttpMethod;
  /** already redacted */
  url: string;
  status: number;
  headers: HttpResponse['headers'];
  /** why the body stopped when we stopped it (the time limit, or the run's signal), else undefined */
  timedOut: () => Error | undefined;
}

/**
 * text()/json() that read at most JSON_BODY_CAP bytes (64 MiB: a 2 GiB or endless reply must not
 * take the heap with it) and turn a body that breaks off (reset, short Content-Length, the time
 * limit) into one line naming the call.
 */
function withBodyHelpers(body: ResponseBody, ctx: BodyContext): ResponseBody {
  const call = `${ctx.method} ${ctx.url}`;
  const declared = Number(headerValue(ctx.headers, 'content-length'));
  body.text = async () => {
    if (declared > JSON_BODY_CAP) {
      body.destroy();
      throw new BadResponseError(`The response to ${call} is ${mib(declared)}, more than the ${mib(JSON_BODY_CAP)} tsglance reads of a JSON reply; not read`);
    }
    let read: { bytes: Buffer; over: boolean };
    try {
      read = await readCapped(body, JSON_BODY_CAP);
    } catch (err) {
      const stoppedBy = ctx.timedOut();
      if (stoppedBy) throw stoppedBy;
      const e = err as { code?: string; message?: string };
      const why = e.code === 'ECONNRESET' || e.message === 'aborted' ? 'the connection closed before the whole response arrived' : (e.message ?? String(err));
      throw new ConnectionError(`The response to ${call} broke off: ${why}`, e.code);
    }
    if (read.over) {
      throw new BadResponseError(`The response to ${call} is larger than the ${mib(JSON_BODY_CAP)} tsglance reads of a JSON reply; stopped reading`);
    }
    return read.bytes.toString('utf8');
  };
  body.json = async () => parseJson(await body.text(), ctx);
  return body;
}

function parseJson(text: string, ctx: Pick<BodyContext, 'method' | 'url' | 'status' | 'headers'>, who = 'The server'): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const type = headerValue(ctx.headers, 'content-type') ?? 'no content-type';
    const start = text.trim().slice(0, 60).replace(/\s+/g, ' ');
    throw new BadResponseError(
      `${who} returned a response that is not JSON (HTTP ${statusLine(ctx.status)}, ${type}${start ? `: ${JSON.stringify(start)}` : ''}) to ${ctx.method} ${ctx.url}`,
    );
  }
}

/** The JSON of a response (undefined when the body is empty); a body that is not JSON is one line naming the call. */
export async function parseJsonBody(res: HttpResponse, method: HttpMethod, who = 'Glance'): Promise<unknown> {
  const text = await res.body.text();
  if (!text.trim()) return undefined;
  return parseJson(text, { method, url: res.url, status: res.status, headers: res.headers }, who);
}

/**
 * The time limit of one exchange (request, headers and the whole body): an AbortSignal that fires
 * at the limit, and the error that says which limit ran out.
 */
function exchangeDeadline(seconds: number, method: HttpMethod, url: string, name = `--timeout ${seconds}`) {
  const controller = new AbortController();
  let error: Error | undefined;
  const timer = setTimeout(() => {
    error = new ConnectionError(`Timed out after ${seconds} s waiting for the response to ${method} ${url} (${name})`, 'ETIMEDOUT_EXCHANGE');
    controller.abort(error);
  }, seconds * 1000);
  timer.unref();
  return {
    signal: controller.signal,
    clear: () => clearTimeout(timer),
    expired: () => error,
  };
}

interface Undici {
  Agent: typeof import('undici').Agent;
  request: typeof import('undici/lib/api/api-request.js');
}
let undiciModule: Promise<Undici> | undefined;
/**
 * undici's Agent and its `request`, required by path rather than through `require('undici')`: the
 * package's entry loads all of undici (fetch, WebSocket, caches, mocks) and costs ~180 ms of a run
 * here against ~63 ms for these two parts (hyperfine, `node -e 'require(...)'` vs `node -e 0`), on
 * every upload and download. The version is pinned exactly (package.json), and the download tests
 * go through both parts.
 */
function loadUndici(): Promise<Undici> {
  undiciModule ??= (async () => {
    // undici parses HTTP with llhttp compiled to WebAssembly. V8's optimizing tier (TurboFan) for
    // that module costs ~35 MB of RSS and background CPU on every run, for no measurable gain in
    // throughput (bench/transfer): keep it on the baseline compiler, before llhttp is compiled.
    const { setFlagsFromString } = await import('node:v8');
    setFlagsFromString('--liftoff-only');
    const [{ default: Agent }, { default: request }] = await Promise.all([
      import('undici/lib/dispatcher/agent.js'),
      import('undici/lib/api/api-request.js'),
    ]);
    return { Agent, request };
  })();
  return undiciModule;
}

export class HttpClient {
  private dispatcher: Promise<unknown> | undefined;
  private nodeAgents: { http?: import('node:http').Agent; https?: import('node:https').Agent } = {};
  private readonly clock: Clock;
  readonly timeout: number;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timeout = options.timeout ?? 600;
  }

  /** the run's signal (see HttpClientOptions.signal), for callers that combine it with their own */
  get runSignal(): AbortSignal | undefined {
    return this.options.signal;
  }

  get debugEnabled(): boolean {
    return !!this.options.debug;
  }

  debug(line: string): void {
    this.options.debug?.(line);
  }

  private tlsOptions(): Record<string, unknown> {
    const tls: Record<string, unknown> = {};
    if (this.options.insecure) tls.rejectUnauthorized = false;
    if (this.options.cacert) tls.ca = readFileSync(this.options.cacert);
    if (this.options.cert) tls.cert = readFileSync(this.options.cert);
    if (this.options.key) tls.key = readFileSync(this.options.key);
    return tls;
  }

  private getDispatcher(): Promise<unknown> {
    this.dispatcher ??= (async () => {
      if (this.options.dispatcher) return this.options.dispatcher;
      const { Agent } = await loadUndici();
      const ms = this.timeout * 1000;
      return new Agent({
        keepAliveTimeout: 10_000,
        connect: { ...this.tlsOptions(), timeout: Math.min(ms, 30_000) },
        headersTimeout: ms,
        bodyTimeout: ms,
      });
    })();
    return this.dispatcher;
  }

  /** One attempt over undici (image data, injected dispatchers). */
  private async sendUndici(method: HttpMethod, url: string, headers: Headers, body: RequestOptions['body'], opts: RequestOptions, signal?: AbortSignal): Promise<RawResponse> {
    const { request } = await loadUndici();
    const target = new URL(url);
    const dispatcher = (await this.getDispatcher()) as import('undici').Dispatcher;
    const res = await request.call(dispatcher, {
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method,
      headers,
      body: body as never,
      signal,
      ...(opts.timeout ? { headersTimeout: opts.timeout * 1000, bodyTimeout: opts.timeout * 1000 } : {}),
    });
    return { status: res.statusCode, headers: res.headers, body: res.body as unknown as ResponseBody };
  }

  /** One attempt over node:http(s), for small replayable requests. */
  private async sendNode(method: HttpMethod, url: string, headers: Headers, body: string | Buffer | undefined, signal?: AbortSignal): Promise<RawResponse> {
    const secure = url.startsWith('https:');
    const mod = secure ? await import('node:https') : await import('node:http');
    const agents = this.nodeAgents;
    const agent = secure
      ? (agents.https ??= new (mod as typeof import('node:https')).Agent({ keepAlive: true, ...this.tlsOptions() }))
      : (agents.http ??= new mod.Agent({ keepAlive: true }));
    const sendHeaders: Record<string, string | number> = { ...headers };
    if (body !== undefined) sendHeaders['content-length'] = Buffer.byteLength(body);
    return new Promise<RawResponse>((resolve, reject) => {
      const req = mod.request(url, { method, headers: sendHeaders, agent, signal }, (res) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: nodeBody(res) });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * One call: retries for idempotent requests on connection failures and 502/503/504, and every
   * status outside 2xx (and `accept`) raised as HttpError. 3xx included: a redirect is never
   * followed, so neither the token nor a body goes anywhere but the URL given.
   *
   * Time: a JSON call (everything but `stream`) must complete, headers and body, within the
   * timeout (--timeout, or `opts.timeout`): a server that drips a byte now and then cannot keep it
   * alive. Image data (`stream`) is bounded by idle time instead, as its length has no bound.
   */
  async request(method: HttpMethod, url: string, given: RequestOptions = {}): Promise<HttpResponse> {
    const opts = given.signal || !this.options.signal ? given : { ...given, signal: this.options.signal };
    const headers: Headers = { 'user-agent': 'tsglance', ...(opts.headers ?? {}) };
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] ??= 'application/json';
    }
    const idempotent = opts.idempotent ?? (['GET', 'HEAD', 'DELETE', 'PUT'].includes(method) && isReplayable(body));
    const maxRetries = idempotent ? (this.options.retries ?? 3) : 0;
    const light = !this.options.dispatcher && !opts.stream && isReplayable(body);
    const shown = redactUrl(url);
    const limitS = opts.timeout ?? this.timeout;

    for (let attempt = 0; ; attempt++) {
      const started = this.clock.now();
      if (this.options.debug) {
        const sent = opts.json !== undefined ? ' ' + JSON.stringify(redactJson(opts.json)) : '';
        this.debug(`REQ ${method} ${shown} ${JSON.stringify(redactHeaders(headers))}${sent}`);
      }
      const exchange = opts.stream ? undefined : exchangeDeadline(limitS, method, shown, opts.timeoutName);
      const signal = exchange ? (opts.signal ? AbortSignal.any([opts.signal, exchange.signal]) : exchange.signal) : opts.signal;
      let res: RawResponse;
      try {
        res = light
          ? await this.sendNode(method, url, headers, body as string | Buffer | undefined, signal)
          : await this.sendUndici(method, url, headers, body, opts, signal);
      } catch (err) {
        exchange?.clear();
        if (opts.signal?.aborted) throw err;
        if (exchange?.expired()) {
          this.debug(`TIMEOUT ${method} ${shown} after ${this.clock.now() - started} ms`);
          throw exchange.expired();
        }
        const { message, code } = connectionMessage(url, err);
        this.debug(`ERR ${method} ${shown} ${code ?? ''} after ${this.clock.now() - started} ms`);
        if (attempt < maxRetries && code && RETRY_CODES.has(code)) {
          await this.clock.sleep(this.backoff(attempt), opts.signal);
          continue;
        }
        throw new ConnectionError(message, code);
      }
      if (exchange) {
        res.body.once('end', exchange.clear).once('close', exchange.clear).once('error', exchange.clear);
      }
      withBodyHelpers(res.body, {
        method,
        url: shown,
        status: res.status,
        headers: res.headers,
        timedOut: () => (opts.signal?.aborted ? opts.signal.reason : exchange?.expired()) as Error | undefined,
      });
      const requestId =
        headerValue(res.headers, 'x-openstack-request-id') ?? headerValue(res.headers, 'x-compute-request-id');
      this.debug(
        `RESP ${method} ${shown} -> ${res.status} in ${this.clock.now() - started} ms${requestId ? ' ' + requestId : ''}`,
      );
      const response: HttpResponse = { ...res, url: shown, requestId };
      if (attempt < maxRetries && RETRY_STATUSES.has(res.status)) {
        await res.body.dump().catch(() => undefined);
        exchange?.clear();
        const wait = retryAfterMs(headerValue(res.headers, 'retry-after'), this.clock.now()) ?? this.backoff(attempt);
        this.debug(`RETRY ${method} ${shown} in ${wait} ms (attempt ${attempt + 2} of ${maxRetries + 1})`);
        await this.clock.sleep(wait, opts.signal);
        continue;
      }
      const expected = res.status >= 200 && res.status < 300;
      if (!expected && !(opts.accept ?? []).includes(res.status)) {
        throw await this.toError(response, method);
      }
      return response;
    }
  }

  private backoff(attempt: number): number {
    return Math.min(500 * 2 ** attempt, MAX_BACKOFF_MS);
  }

  /**
   * The error for a status a call did not expect. Of the body, ERROR_BODY_CAP bytes are kept for
   * the message and the rest is never read. A 3xx names where it pointed: it is not followed.
   */
  async toError(res: HttpResponse, method: HttpMethod = 'GET'): Promise<HttpError> {
    let text = '';
    try {
      const read = await readCapped(res.body, ERROR_BODY_CAP);
      text = read.bytes.toString('utf8');
    } catch {
      /* body unreadable: the status line alone must do */
    }
    if (res.status >= 300 && res.status < 400) {
      const to = headerValue(res.headers, 'location');
      const location = to ? redactUrl(to) : undefined;
      const msg = `HTTP ${statusLine(res.status)} from ${method} ${res.url}${location ? ` (to ${location})` : ''}: redirects are not followed`;
      return new HttpError(res.requestId ? `${msg} (request-id ${res.requestId})` : msg, res.status, res.requestId, '', res.url, location);
    }
    const detail = errorDetail(text, headerValue(res.headers, 'content-type') ?? '');
    return new HttpError(formatHttpError(res.status, detail, res.requestId), res.status, res.requestId, detail, res.url);
  }

  async json<T>(method: HttpMethod, url: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, url, { ...opts, headers: { accept: 'application/json', ...opts.headers } });
    return (await parseJsonBody(res, method, 'The server')) as T;
  }

  async close(): Promise<void> {
    this.nodeAgents.http?.destroy();
    this.nodeAgents.https?.destroy();
    if (!this.dispatcher || this.options.dispatcher) return;
    const d = (await this.dispatcher) as { close(): Promise<void> };
    await d.close();
  }
}

export function header(res: HttpResponse, name: string): string | undefined {
  return headerValue(res.headers, name);
}
