/**
 * ESLint flat config. Style is prettier's job; ESLint checks correctness and the layer
 * rules of HOUSE-STYLE.md ("layers never point upward"), enforced with
 * no-restricted-imports and no-restricted-globals. Type-aware rules stay off to keep
 * `npm run lint` fast; `npm run typecheck` covers types.
 *
 * Flat config does not merge the options of a rule across blocks: the last matching block
 * wins. So each layer block below states its complete list, built from the pieces here.
 */
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const CODE = '**/*.{js,mjs,cjs,ts,mts,cts,svelte}';

const ELECTRON = {
  name: 'electron',
  message: "Only src-main/shell/ imports 'electron': everything else runs under plain Node and in a browser.",
};

const NODE_BUILTINS = builtinModules
  .filter((name) => !name.startsWith('_'))
  .map((name) => ({
    name,
    message: 'This layer also runs in a browser: no Node built-in modules.',
  }));
const NODE_PREFIX = {
  regex: '^node:',
  message: 'This layer also runs in a browser: no Node built-in modules.',
};
/** Packages that only run under Node (native code or sockets). */
const NODE_ONLY_PACKAGES = ['better-sqlite3', 'sharp', 'tsx', 'ws', 'drizzle-orm', 'drizzle-kit'].map(
  (name) => ({ name, message: 'Node-only package: it belongs in src-main or src-server.' }),
);
const NODE_ONLY_PACKAGE_PATTERNS = {
  regex: '^(better-sqlite3|sharp|tsx|ws|drizzle-orm|drizzle-kit)/',
  message: 'Node-only package: it belongs in src-main or src-server.',
};

/** Any import whose path walks into another top-level layer, relative or not. */
const layer = (folder, message) => ({ regex: `(^|/)${folder}(/|$)`, message });
const MAIN = layer('src-main', 'Do not import src-main here: go through the contract in src-shared/api.');
const RENDERER = layer(
  'src-renderer',
  'Do not import src-renderer: the UI depends on the core, never the other way round.',
);
const SERVER = layer('src-server', 'Do not import src-server here.');
const BROWSER_ONLY = [
  { regex: '^svelte(/|$)', message: 'src-shared does not depend on the UI framework.' },
  { regex: '^(\\$app|\\$lib)(/|$)', message: 'src-shared does not depend on the UI framework.' },
];

const restrict = (paths, patterns) => ({
  'no-restricted-imports': ['error', { paths, patterns }],
});

/** Globals that tie code to one runtime; src-shared must use neither. */
const NODE_GLOBALS = ['process', 'Buffer', '__dirname', '__filename', 'require', 'module', 'global'];
const DOM_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'HTMLElement',
  'Element',
  'alert',
  'confirm',
];
const restrictGlobals = (names, message) => names.map((name) => ({ name, message: `${message} (${name})` }));

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-electron/',
      'release/',
      'node_modules/',
      'drizzle/',
      '.data/',
      'coverage/',
      'test-results/',
      '.vite/',
    ],
  },

  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],

  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        parser: tseslint.parser,
        extraFileExtensions: ['.svelte'],
      },
    },
  },

  // Runtime globals per folder (matters for .js/.mjs/.svelte; TS checks .ts itself).
  {
    files: ['src-main/**', 'src-server/**', 'scripts/**', 'bin/**', 'e2e/**', '*.{js,mjs,cjs,ts}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src-shared/**'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
  },

  {
    rules: {
      // `_`-prefixed names are deliberately unused (callback positions, destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Stripping control characters from file names and mail headers is routine here;
      // the rule only guards against accidental escapes that tests would catch anyway.
      'no-control-regex': 'off',
    },
  },

  // ---- Layer rules. Order matters: the last block matching a file wins. ----

  // Everywhere (tools, tests, scripts): no Electron outside the shell.
  { files: [CODE], rules: restrict([ELECTRON], []) },

  // The core and its hosts: plain Node, never the UI.
  { files: ['src-main/**'], rules: restrict([ELECTRON], [RENDERER]) },

  // The Electron shell: the one place 'electron' is allowed.
  { files: ['src-main/shell/**'], rules: restrict([], [RENDERER]) },

  // Shared domain and contract: runs in Node, the browser and the sync server alike.
  {
    files: ['src-shared/**'],
    rules: {
      ...restrict(
        [ELECTRON, ...NODE_BUILTINS, ...NODE_ONLY_PACKAGES],
        [NODE_PREFIX, NODE_ONLY_PACKAGE_PATTERNS, MAIN, RENDERER, SERVER, ...BROWSER_ONLY],
      ),
      'no-restricted-globals': [
        'error',
        ...restrictGlobals(NODE_GLOBALS, 'src-shared does not use Node globals'),
        ...restrictGlobals(DOM_GLOBALS, 'src-shared does not use the DOM'),
      ],
    },
  },

  // The renderer: browser only, talks to the core through window.api / HTTP.
  {
    files: ['src-renderer/**'],
    rules: restrict(
      [ELECTRON, ...NODE_BUILTINS, ...NODE_ONLY_PACKAGES],
      [NODE_PREFIX, NODE_ONLY_PACKAGE_PATTERNS, MAIN, SERVER],
    ),
  },

  // The sync server: never the renderer, never Electron.
  { files: ['src-server/**'], rules: restrict([ELECTRON], [RENDERER]) },
);
