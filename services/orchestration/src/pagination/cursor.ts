import { ErrorCodes } from '@railyard/contracts';
import { HttpProblem } from '@railyard/service-kit';
import { z } from 'zod';

// Keyset pagination (DESIGN §5): the cursor is the sort key of the last row returned, base64url-encoded, so a page
// never skips or repeats rows when others are inserted meanwhile (an offset would).

/** The query parameters every paginated list takes. */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(400).optional().describe('The nextCursor of the previous page.'),
};

/** A cursor holding the sort key's parts. */
export const encodeCursor = (parts: readonly string[]): string =>
  Buffer.from(JSON.stringify(parts)).toString('base64url');

/** The sort key's parts, or 400 for a cursor this API did not hand out. */
export function decodeCursor(cursor: string, parts: number): string[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== parts || !decoded.every((p) => typeof p === 'string')) {
    throw new HttpProblem(400, ErrorCodes.VALIDATION_FAILED, 'The cursor is not one this API returned.', {
      issues: [{ path: 'querystring/cursor', message: 'unknown cursor' }],
    });
  }
  return decoded as string[];
}
