import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

const which = (name: string) => {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

/**
 * The path of a program from a Debian package (DESIGN §11: real third-party servers in tests), installing the
 * package with apt-get when it is missing, as `.ci/run` does. Fails with what to do, never skips: a test that needs
 * a real Prometheus must not pass without one.
 */
export function debianBinary(name: string, pkg: string): string {
  const found = which(name);
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(`${name} is not installed and this user cannot install it: run \`apt-get install -y ${pkg}\``);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], {
    encoding: 'utf8',
    env,
  });
  const installed = which(name);
  if (!installed) {
    throw new Error(
      `${name} is missing and \`apt-get install ${pkg}\` did not provide it ` +
        `(update exit ${update.status}, install exit ${install.status}): ${install.stderr || update.stderr}`,
    );
  }
  return installed;
}

/** A free TCP port on loopback (asked of the kernel, then released for the program to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
