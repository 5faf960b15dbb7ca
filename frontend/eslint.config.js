// The dashboard's linter: `npm run lint` at the repository root (make lint-js).
// typescript-eslint's recommended rules, the React hooks rules, and the
// feature boundaries: app/ composes features; a feature imports only from
// itself and the shared layers (components/, lib/, gql/), never from another
// feature or from app/; the shared layers import no feature.

import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

export default tseslint.config(
  { ignores: ['dist/', 'src/gql/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  reactHooks.configs.flat['recommended-latest'],
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Every disable says why: `// eslint-disable-next-line rule -- reason`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-unresolved': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...features.map((name) => ({
              target: `./src/features/${name}`,
              from: './src/features',
              except: [`./${name}`],
              message: `features/${name} may not import another feature: move what both need to components/ or lib/, or compose them in app/.`,
            })),
            {
              target: './src/features',
              from: './src/app',
              message: 'A feature may not import app/: app/ composes the features.',
            },
            {
              target: ['./src/components', './src/lib'],
              from: ['./src/features', './src/app'],
              message: 'The shared layers (components/, lib/) may not depend on a feature or on app/.',
            },
            {
              target: './src/lib',
              from: './src/components',
              message: 'components/ build on lib/, not the other way round.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['*.{js,cjs,ts}'],
    languageOptions: { globals: globals.node },
  },
);
