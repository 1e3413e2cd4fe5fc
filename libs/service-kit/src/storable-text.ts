import { ErrorCodes } from '@railyard/contracts';
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from './problem.js';

interface Issue {
  path: string;
  message: string;
}

// Postgres cannot store U+0000 in text or jsonb (22P05), and a lone UTF-16 surrogate is not Unicode at all: jsonb
// refuses its escape (22P02) and any other store would keep a string no client can round-trip. JSON and URLs can
// carry both, so they are refused at the edge, once for every route, instead of failing as a 500 at append.
// In a `u` regex a well-formed surrogate pair is one code point, so \p{Surrogate} matches only the lone halves.
const LONE_SURROGATE = /\p{Surrogate}/u;

// Either at once, for the walk that only asks whether anything is wrong (NUL is the point here, hence the ignore).
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what this rule refuses
const UNSTORABLE = /[\u0000\p{Surrogate}]/u;

function problemOf(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'must not contain a lone UTF-16 surrogate';
  return undefined;
}

/**
 * Only what a JSON or form parser produces is walked: a raw body (an upload stream, a Buffer) is no JSON value, and
 * walking a stream's properties would follow its socket and server round and round until the heap runs out.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  // fastify's query parser builds objects on a prototype that itself has none: those are plain too.
  return prototype === Object.prototype || prototype === null || Object.getPrototypeOf(prototype) === null;
}

/**
 * Every string (and object key) in `value` that cannot be stored, with its JSON-pointer-like path. Walks with an
 * explicit stack: a body nested thousands of levels deep must cost a loop, not the call stack.
 */
export function unstorableStrings(value: unknown, root: string, limit = 10): Issue[] {
  const issues: Issue[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0 && issues.length < limit) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      const message = problemOf(item);
      if (message) issues.push({ path, message });
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], `${path}/${i}`]);
    } else if (isPlainObject(item)) {
      for (const [key, child] of Object.entries(item)) {
        const keyProblem = problemOf(key);
        if (keyProblem) issues.push({ path, message: `a field name ${keyProblem}` });
        else stack.push([child, `${path}/${key}`]);
      }
    }
  }
  return issues;
}

/**
 * Whether `value` holds any unstorable string or key: the same walk as unstorableStrings without paths or issues,
 * so a clean request (nearly every one) allocates one small stack and nothing else.
 */
function anyUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (value === null || typeof value !== 'object') return false;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (UNSTORABLE.test(item)) return true;
    } else if (Array.isArray(item)) {
      for (const child of item) stack.push(child);
    } else if (isPlainObject(item)) {
      for (const key in item) {
        if (!Object.hasOwn(item, key)) continue;
        if (UNSTORABLE.test(key)) return true;
        stack.push(item[key]);
      }
    }
  }
  return false;
}

/** Refuses NUL and lone surrogates anywhere in params, query or body with a 400 before route validation runs. */
export function installStorableTextRule(app: FastifyInstance) {
  app.addHook('preValidation', (request, _reply, done) => {
    if (!anyUnstorable(request.params) && !anyUnstorable(request.query) && !anyUnstorable(request.body)) return done();
    const issues = [
      ...unstorableStrings(request.params, 'params'),
      ...unstorableStrings(request.query, 'querystring'),
      ...unstorableStrings(request.body, 'body'),
    ];
    if (issues.length === 0) return done();
    done(
      new HttpProblem(
        400,
        ErrorCodes.VALIDATION_FAILED,
        `The request is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        { issues },
      ),
    );
  });
}
