// heroku-client ships no types; this covers what the conformance test uses.
declare module 'heroku-client' {
  export interface HerokuClientOptions {
    token: string;
    host?: string;
    headers?: Record<string, string>;
  }

  export default class Heroku {
    constructor(options: HerokuClientOptions);
    get(path: string, options?: Record<string, unknown>): Promise<unknown>;
    request(options: Record<string, unknown>): Promise<unknown>;
  }
}
