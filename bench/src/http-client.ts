import { Pool } from 'undici';

/** A keep-alive HTTP/1.1 client for one origin on loopback; each request is one POST with a JSON body. */
export interface JsonPoster {
  /** POSTs `body` and returns the parsed JSON response; anything but `expectStatus` rejects. */
  post<T = unknown>(path: string, body: unknown, headers?: Record<string, string>): Promise<T>;
  /** GETs `path` and returns the parsed JSON response; anything but 200 rejects. */
  get<T = unknown>(path: string, headers?: Record<string, string>): Promise<T>;
  close(): Promise<void>;
}

/**
 * An undici pool with up to `connections` sockets (no pipelining): with N requests in flight, N connections,
 * as N clients would open. undici is the lightest Node client, which matters when client and server share 2 cores.
 */
export function jsonPoster(origin: string, connections: number, expectStatus = 201): JsonPoster {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  return {
    async post<T>(path: string, body: unknown, headers: Record<string, string> = {}) {
      const res = await pool.request({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      const text = await res.body.text();
      if (res.statusCode !== expectStatus) {
        throw new Error(`POST ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
      }
      return JSON.parse(text) as T;
    },
    async get<T>(path: string, headers: Record<string, string> = {}) {
      const res = await pool.request({ method: 'GET', path, headers });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`GET ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as T;
    },
    close: () => pool.close(),
  };
}
