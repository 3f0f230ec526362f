/**
 * Typed access to the Glance v2 API. Knows nothing of commander, tables or spinners: commands
 * hand its results to the output layer.
 */
import type { AuthSession } from '../auth/session.js';
import { HttpError, parseJsonBody, redactUrl, type HttpClient, type HttpMethod, type HttpResponse, type RequestOptions } from '../http.js';
import { expectShape, type Shape } from './shapes.js';

export interface GlanceRequestOptions extends RequestOptions {
  /** send to this base URL instead of the catalog endpoint (one glance-api node) */
  baseUrl?: string;
}

export interface GlanceJsonOptions<T> extends GlanceRequestOptions {
  /** what the reply must look like (shapes.ts); default: any JSON */
  shape?: Shape<T>;
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
   * its body was a stream that has already been consumed. A read-only request may go out with a
   * cached token whose secret binding is still being checked (AuthSession.unconfirmedToken): its
   * answer is used only once the check passes, and otherwise dropped unread and asked again with
   * the token Keystone gives for this run's secret.
   */
  async request(method: HttpMethod, path: string, opts: GlanceRequestOptions = {}): Promise<HttpResponse> {
    /** the base (a node's, else `endpoint`, else the catalog's) and the request's URL under it */
    const urlFrom = async (endpoint?: string) => {
      const base = (opts.baseUrl ?? endpoint ?? (await this.endpoint())).replace(/\/+$/, '');
      return { base, url: /^https?:/.test(path) ? path : `${base}${path.startsWith('/') ? '' : '/'}${path}` };
    };
    const readOnly = (method === 'GET' || method === 'HEAD') && opts.body === undefined;
    const early = readOnly ? await this.session.unconfirmedToken() : undefined;
    let { base, url } = await urlFrom(early?.endpoint);
    const send = async (token?: string) =>
      this.http.request(method, url, {
        ...opts,
        headers: { ...opts.headers, 'x-auth-token': token ?? (await this.session.token()) },
      });
    let first: Promise<HttpResponse>;
    if (early) {
      const attempt = send(early.token);
      attempt.catch(() => undefined);
      if (await early.confirmed) {
        first = attempt;
      } else {
        void attempt.then((res) => res.body.dump()).catch(() => undefined);
        this.http.debug(`the answer to ${method} ${redactUrl(url)} is not used: the cached token belongs to another secret`);
        ({ base, url } = await urlFrom());
        first = send();
      }
    } else {
      first = send();
    }
    try {
      return await first;
    } catch (err) {
      const replayable = opts.body === undefined || typeof opts.body === 'string' || Buffer.isBuffer(opts.body);
      if (err instanceof HttpError && err.status === 401 && replayable && (await this.session.refresh())) {
        this.http.debug('HTTP 401 from Glance: token refreshed, request repeated once');
        return send();
      }
      if (err instanceof HttpError && err.status === 300) throw this.versionListError(err, method, base);
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

  /**
   * Glance answers 300 Multiple Choices (its list of API versions) to any path it does not serve,
   * such as the API's paths under a wrong prefix: the endpoint is not where the v2 API lives.
   */
  private versionListError(err: HttpError, method: HttpMethod, base: string): HttpError {
    const source = this.session.settings.imageUrl ? 'OS_IMAGE_URL (--os-image-url)' : "the catalog's image endpoint";
    return new HttpError(
      `Glance answered ${method} ${err.url} with 300 Multiple Choices (its list of API versions): the image endpoint ` +
        `${redactUrl(base)} looks like Glance's unversioned root under a wrong path, not the API; check ${source}`,
      err.status,
      err.requestId,
      err.detail,
      err.url,
    );
  }

  /**
   * A JSON call. The reply must be JSON (else one line naming the URL), of the expected shape when
   * `opts.shape` is given (else a ResponseShapeError naming the URL). An empty body is undefined.
   */
  async json<T>(method: HttpMethod, path: string, opts: GlanceJsonOptions<T> = {}): Promise<T> {
    const { shape, ...rest } = opts;
    const res = await this.request(method, path, { ...rest, headers: { accept: 'application/json', ...rest.headers } });
    const body = await parseJsonBody(res, method);
    if (body === undefined) return undefined as T;
    // without a shape any JSON will do (the legacy cache middleware answers `null`)
    return shape ? expectShape(shape, body, `${method} ${res.url}`) : (body as T);
  }

  /** For calls whose success has no body (204s). */
  async send(method: HttpMethod, path: string, opts: GlanceRequestOptions = {}): Promise<HttpResponse> {
    const res = await this.request(method, path, opts);
    await res.body.dump().catch(() => undefined);
    return res;
  }
}
