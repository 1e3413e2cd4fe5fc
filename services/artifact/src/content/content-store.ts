import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { link, mkdir, readdir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Why an upload was not stored; the route maps each to its status and code. */
export class IngestError extends Error {
  override readonly name = 'IngestError';
  constructor(
    readonly reason: 'too-large' | 'digest-mismatch' | 'incomplete',
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface Ingested {
  sha256: string;
  size: number;
  /** False when the same bytes were already stored (content-addressed: nothing was written over them). */
  created: boolean;
}

/** Counts and hashes bytes as they pass, failing the stream once more than `maxBytes` arrived. */
class HashingLimiter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      done(
        new IngestError('too-large', `The upload exceeds the limit of ${this.maxBytes} bytes.`, {
          limit: this.maxBytes,
        }),
      );
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/**
 * Content-addressed storage on a local disk: each blob lives at `sha256/ab/cd/<hex>` under the root. Uploads are
 * streamed to `tmp/` while hashed, then published with link(2), which fails rather than replace an existing file:
 * stored content is never overwritten, and a reader never sees a half-written blob. Any failure removes the
 * temporary file.
 */
export class ContentStore {
  constructor(readonly root: string) {}

  private get tmpDir() {
    return path.join(this.root, 'tmp');
  }

  /** Creates the storage folders. */
  async init(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(path.join(this.root, 'sha256'), { recursive: true });
  }

  /** Where the blob of a digest lives (whether or not it exists). */
  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError('not a sha256 hex digest');
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /**
   * Streams `source` to disk while computing its sha256; refuses more than `maxBytes`, a body shorter than
   * `expectedSize` (a truncated upload) and a digest other than `expectedSha256`.
   */
  async ingest(
    source: NodeJS.ReadableStream,
    options: { maxBytes: number; expectedSha256?: string; expectedSize?: number },
  ): Promise<Ingested> {
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    const meter = new HashingLimiter(options.maxBytes);
    try {
      try {
        // The source is piped, not pipelined: a refusal must not destroy the request, or the client would see a
        // reset connection instead of the 413/422 that explains it.
        const written = pipeline(meter, createWriteStream(tmp, { flags: 'wx' }));
        const readable = source as Readable;
        const hungUp = () => {
          if (!readable.readableEnded) meter.destroy(new Error('request closed before its end'));
        };
        readable.once('error', (error) => meter.destroy(error));
        readable.once('close', hungUp);
        readable.pipe(meter);
        try {
          await written;
        } finally {
          readable.off('close', hungUp);
          readable.unpipe(meter);
        }
      } catch (error) {
        if (error instanceof IngestError) throw error;
        // The client went away mid-body (aborted request, reset socket): whatever arrived is incomplete.
        throw new IngestError('incomplete', 'The upload ended before the whole body arrived.', {
          received: meter.size,
        });
      }
      if (options.expectedSize !== undefined && meter.size !== options.expectedSize) {
        throw new IngestError('incomplete', `Received ${meter.size} bytes of the ${options.expectedSize} announced.`, {
          received: meter.size,
        });
      }
      const sha256 = meter.hash.digest('hex');
      if (options.expectedSha256 !== undefined && options.expectedSha256 !== sha256) {
        throw new IngestError('digest-mismatch', 'The content does not match the digest the client declared.', {
          declared: options.expectedSha256,
          computed: sha256,
        });
      }
      const target = this.pathOf(sha256);
      await mkdir(path.dirname(target), { recursive: true });
      let created = true;
      try {
        await link(tmp, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        created = false; // same digest, same bytes: already stored
      }
      return { sha256, size: meter.size, created };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(
      () => true,
      () => false,
    );
  }

  /** A stream of the blob and its size, or undefined when it is not stored. */
  async open(sha256: string): Promise<{ stream: ReadStream; size: number } | undefined> {
    const file = this.pathOf(sha256);
    const info = await stat(file).catch(() => undefined);
    if (!info) return undefined;
    return { stream: createReadStream(file), size: info.size };
  }

  /** Deletes a blob (retention); true when there was one. */
  async remove(sha256: string): Promise<boolean> {
    return unlink(this.pathOf(sha256)).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
  }

  /** Temporary files in flight (tests assert that failed uploads leave none behind). */
  async pending(): Promise<string[]> {
    return readdir(this.tmpDir).catch(() => []);
  }
}
