// ESLint for everything we write: TypeScript (src, __tests__) with type-aware rules, which
// catch the mistakes that matter in code that supervises processes (a promise left floating,
// an async callback where a sync one is expected), and the JavaScript of scripts, examples
// and .ci with Node's globals.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** Node's globals, for the .mjs/.js files (TypeScript knows them from @types/node). */
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'URL',
    'URLSearchParams',
    'TextDecoder',
    'TextEncoder',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone'
  ].map((name) => [name, 'readonly'])
)

export default tseslint.config(
  { ignores: ['dist/', 'lib/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
      'no-throw-literal': 'error'
    }
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: nodeGlobals
    }
  },
  {
    // The git layer is the one door to git: stages call its named operations, never raw args,
    // and never spell a ref name.
    files: ['src/**/*.ts'],
    ignores: ['src/git/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name=/^(exec|run)$/][arguments.0.type='ArrayExpression']",
          message:
            'Raw git arguments outside src/git/: add a named operation to GitCommandManager (src/git/git-command-manager.ts) and call it.'
        },
        {
          // Ref names are composed in src/git/ only (refs.ts, kept-refs.ts).
          selector: 'Literal[value=/^refs\\//], TemplateElement[value.raw=/^refs\\//]',
          message:
            'A ref name composed outside src/git/: use (or add) a named function of src/git/refs.ts or src/git/kept-refs.ts.'
        }
      ]
    }
  },
  {
    files: ['__tests__/**/*.ts'],
    rules: {
      // expect(...).rejects and jest's callbacks trip these without finding anything real.
      '@typescript-eslint/unbound-method': 'off'
    }
  }
)
