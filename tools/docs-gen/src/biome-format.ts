import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Formats `content` as the repository's Biome would format the file at `file` (relative to `root`), so the
 * generated docs pass `npm run lint` and regenerating never fights the formatter. Uses the root's Biome binary
 * and biome.json.
 */
export function biomeFormat(root: string, file: string, content: string): Promise<string> {
  const biome = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'biome.cmd' : 'biome');
  return new Promise((resolve, reject) => {
    const child = spawn(biome, ['format', `--stdin-file-path=${file}`], { cwd: root });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new Error(`cannot run ${biome}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`biome format ${file} failed (${code}): ${Buffer.concat(err).toString('utf8')}`));
    });
    child.stdin.end(content);
  });
}
