import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Tests import workspace packages from their TypeScript sources, so no build is needed to run them. */
const alias = Object.fromEntries(
  ['packages', 'apps'].flatMap((dir) =>
    readdirSync(`${root}${dir}`)
      .filter((name) => existsSync(`${root}${dir}/${name}/src/index.ts`))
      .map((name) => [`@airlock/${name}`, `${root}${dir}/${name}/src/index.ts`]),
  ),
);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'] },
      },
      {
        resolve: { alias },
        // Integration tests drive the real Docker engine; they share one engine, so run them one file at a time.
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
