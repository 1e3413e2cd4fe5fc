import { SignJWT } from 'jose';
import type { ServiceName } from './platform.js';

/** A principal of the story: who they are and the roles their token carries. */
export interface Principal {
  sub: string;
  roles: string[];
}

/** A refused or failed call: the status, the problem+json body, and what was asked. */
export class CallError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} answered ${status}: ${JSON.stringify(body)}`);
  }
}

/**
 * The story's only way into the platform: HTTP, with development tokens (HS256, the secret the services were given,
 * the shape `railyard token` mints). Every call of a release carries the release's correlation id, so
 * `railyard export --correlation` finds the whole story.
 */
export class Client {
  private readonly tokens = new Map<string, Promise<string>>();
  constructor(
    readonly urls: Record<ServiceName, string>,
    private readonly secret: string,
  ) {}

  private token(p: Principal): Promise<string> {
    const key = `${p.sub}|${p.roles.join(',')}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = new SignJWT({ roles: p.roles })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(p.sub)
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(new TextEncoder().encode(this.secret));
      this.tokens.set(key, token);
    }
    return token;
  }

  /** Sends one request; answers the status and the JSON body (whatever the status). */
  async send(
    service: ServiceName,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    as: Principal,
    options: { body?: unknown; bytes?: Buffer; headers?: Record<string, string>; correlation?: string } = {},
    // biome-ignore lint/suspicious/noExplicitAny: the six APIs' JSON, read as the story needs it (their schemas are the OpenAPI documents)
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.token(as)}`,
      ...(options.correlation ? { 'x-correlation-id': options.correlation } : {}),
      ...options.headers,
    };
    let payload: string | Buffer | undefined;
    if (options.bytes) {
      headers['content-type'] = 'application/octet-stream';
      payload = options.bytes;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(options.body);
    }
    // A 503 (a dependency briefly unavailable: Postgres busy on a shared machine) changed nothing and says "retry
    // shortly", as any system calling the APIs would.
    let res = await fetch(`${this.urls[service]}${path}`, { method, headers, body: payload });
    for (let attempt = 1; res.status === 503 && attempt <= 4; attempt++) {
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      res = await fetch(`${this.urls[service]}${path}`, { method, headers, body: payload });
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body };
  }

  /** Sends one request and expects a 2xx (or one of `expect`); answers the JSON body. */
  async call(
    service: ServiceName,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    as: Principal,
    options: {
      body?: unknown;
      bytes?: Buffer;
      headers?: Record<string, string>;
      correlation?: string;
      expect?: number[];
    } = {},
    // biome-ignore lint/suspicious/noExplicitAny: as send()
  ): Promise<any> {
    const res = await this.send(service, method, path, as, options);
    const ok = options.expect ? options.expect.includes(res.status) : res.status >= 200 && res.status < 300;
    if (!ok) throw new CallError(res.status, res.body, `${service} ${method} ${path}`);
    return res.body;
  }
}
