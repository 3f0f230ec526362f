/**
 * The two parts of undici tsglance uses, required by path (src/http.ts says why). Their types are
 * undici's own, from its public entry.
 */
declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici';
  export = Agent;
}

declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';
  /** undici's `request` before it takes a URL: called on a dispatcher, with origin and path apart */
  function request(this: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  export = request;
}
