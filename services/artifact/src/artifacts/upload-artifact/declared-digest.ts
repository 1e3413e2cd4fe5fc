import { ArtifactErrorCodes } from '@railyard/contracts';
import { HttpProblem } from '@railyard/service-kit';

const bad = (header: string, message: string) =>
  new HttpProblem(400, ArtifactErrorCodes.DIGEST_INVALID, `The ${header} header is invalid: ${message}.`, {
    issues: [{ path: `headers/${header}`, message }],
  });

function fromBase64(header: string, value: string): string {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(value)) throw bad(header, 'sha-256 must be the base64 of 32 bytes');
  return Buffer.from(value, 'base64').toString('hex');
}

/** The sha-256 entry of a digest list header (`sha-256=…, md5=…`), or undefined when it has none. */
function sha256Entry(header: string, value: string): string | undefined {
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw bad(header, 'entries are algorithm=value');
    if (part.slice(0, eq).trim().toLowerCase() === 'sha-256') return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The sha256 (hex) a client declares for its upload, from any of `X-Content-SHA256: <hex>`, `Digest: sha-256=<b64>`
 * (RFC 3230) or `Content-Digest: sha-256=:<b64>:` (RFC 9530). Declarations that disagree are refused.
 */
export function declaredSha256(headers: Record<string, string | string[] | undefined>): string | undefined {
  const found: string[] = [];
  const plain = headers['x-content-sha256'];
  if (typeof plain === 'string') {
    const hex = plain
      .trim()
      .toLowerCase()
      .replace(/^sha256:/, '');
    if (!/^[0-9a-f]{64}$/.test(hex)) throw bad('x-content-sha256', 'must be 64 hex characters');
    found.push(hex);
  }
  const digest = headers.digest;
  if (typeof digest === 'string') {
    const entry = sha256Entry('digest', digest);
    if (entry !== undefined) found.push(fromBase64('digest', entry));
  }
  const contentDigest = headers['content-digest'];
  if (typeof contentDigest === 'string') {
    const entry = sha256Entry('content-digest', contentDigest);
    if (entry !== undefined) {
      const inner = /^:(.*):$/.exec(entry);
      if (!inner?.[1]) throw bad('content-digest', 'a byte sequence is written :base64:');
      found.push(fromBase64('content-digest', inner[1]));
    }
  }
  if (new Set(found).size > 1) {
    throw new HttpProblem(400, ArtifactErrorCodes.DIGEST_INVALID, 'The digest headers declare different digests.');
  }
  return found[0];
}
