/**
 * Typed access to the Glance v2 API. Knows nothing of commander, tables or spinners: commands
 * hand its results to the output layer.
 */
import type { AuthSession } from '../auth/session.js';
import { HttpError, type HttpClient, type HttpMethod, type HttpResponse, type RequestOptions } from '../http.js';

export interface GlanceRequestOptions extends RequestOptions {
  /** send to this base URL instead of the catalog endpoint (one glance-api node) */
  baseUrl?: string;
}

export class GlanceClient {
  constructor(
    readonly http: HttpClient,
    readonly session: AuthSession,
  ) {}

  async endpoint(): Promise<string> {
    return this.session.imageEndpoint();
  }

  /**
   * A request with the token; on 401 the token is refreshed once and the request repeated, unless
   * its body was a stream that has already been consumed.
   */
  async request(method: HttpMethod, path: string, opts: GlanceRequestOptions = {}): Promise<HttpResponse> {
    const base = (opts.baseUrl ?? (await this.endpoint())).replace(/\/+$/, '');
    const url = /^https?:/.test(path) ? path : `${base}${path.startsWith('/') ? '' : '/'}${path}`;
    const send = async () =>
      this.http.request(method, url, {
        ...opts,
        headers: { ...opts.headers, 'x-auth-token': await this.session.token() },
      });
    try {
      return await send();
    } catch (err) {
      const replayable = opts.body === undefined || typeof opts.body === 'string' || Buffer.isBuffer(opts.body);
      if (err instanceof HttpError && err.status === 401 && replayable && (await this.session.refresh())) {
        this.http.debug('HTTP 401 from Glance: token refreshed, request repeated once');
        return send();
      }
      if (err instanceof HttpError && err.status === 401) {
        throw new HttpError(
          `${err.message} — the token was refused; check your credentials`,
          err.status,
          err.requestId,
          err.detail,
        );
      }
      throw err;
    }
  }

  async json<T>(method: HttpMethod, path: string, opts: GlanceRequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, { ...opts, headers: { accept: 'application/json', ...opts.headers } });
    const text = await res.body.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** For calls whose success has no body (204s). */
  async send(method: HttpMethod, path: string, opts: GlanceRequestOptions = {}): Promise<HttpResponse> {
    const res = await this.request(method, path, opts);
    await res.body.dump().catch(() => undefined);
    return res;
  }
}
