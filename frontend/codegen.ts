import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed GraphQL operations. The schema is read from the Go server's schema
// files, so no running server is needed. Output in src/gql/ is generated:
// never edit it by hand; run `npm run generate` at the repository root.
const config: CodegenConfig = {
  schema: ['../graph/*.graphqls', '../graph/ent.graphql'],
  // Operations live next to what uses them: components, and hooks in .ts files.
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
      },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        skipTypename: false,
        scalars: {
          Decimal: 'string',
          Time: 'string',
          Cursor: 'string',
          // Sent as a multipart request part; urql does that for File variables.
          Upload: 'File',
        },
      },
    },
  },
};

export default config;
