import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the `@railyard/source` condition, so tests run
// against src/ without a build; `npm start` and the bench use the compiled dist/.
export default defineConfig({
  resolve: { conditions: ['@railyard/source'] },
  ssr: { resolve: { conditions: ['@railyard/source'] } },
  test: {
    include: [
      'e2e/src/**/*.test.ts',
      'libs/*/src/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'tools/*/src/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: 'test-report.json' }]],
  },
});
