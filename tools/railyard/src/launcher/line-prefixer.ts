/** Splits a child's output into lines and writes each with a prefix; a partial line waits for its end. */
export interface LinePrefixer {
  write(chunk: string | Buffer): void;
  /** Writes what is left of an unterminated last line. */
  end(): void;
}

/** The `[planning] ` style prefix, padded so the services' lines align. */
export function servicePrefix(name: string, width = name.length): string {
  return `[${name}]${' '.repeat(Math.max(0, width - name.length))} `;
}

/** A prefixer writing complete lines (with their newline) through `write`. */
export function createLinePrefixer(prefix: string, write: (text: string) => void): LinePrefixer {
  let pending = '';
  // A decoder keeps a multi-byte character that straddles two chunks intact.
  const decoder = new TextDecoder();
  return {
    write(chunk) {
      pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (lines.length > 0) write(lines.map((line) => `${prefix}${line.replace(/\r$/, '')}\n`).join(''));
    },
    end() {
      pending += decoder.decode();
      if (pending.length > 0) write(`${prefix}${pending}\n`);
      pending = '';
    },
  };
}
