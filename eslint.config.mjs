// ESLint flat config.
//  - TypeScript: eslint recommended + typescript-eslint recommended.
//  - workflows/**: Temporal determinism rules. Workflow code is replayed, so it must not do
//    I/O, read the wall clock or use randomness except through the SDK.
//  - Layers: every folder may import only the folders below it (see LAYERS); test/layers proves a break fails.
//  - Plain JS/MJS scripts and config files: eslint recommended with Node globals.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const SDK_HINT = "Workflow code must be deterministic; use '@temporalio/workflow'";

// Every Node builtin, bare and with the node: prefix (fs, fs/promises, node:fs, …).
const nodeBuiltins = [...new Set(builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace(/^node:/, '')))];

// Relative imports that climb to a top-level folder ('../db', '../../server/app'); package names never match.
const folderRegex = (folders) => `^\\.{1,2}/(\\.\\./)*(${folders.join('|')})(/|$)`;

const restrictedWorkflowImports = {
  paths: [
    ...nodeBuiltins.map((name) => ({
      name,
      message: `Node builtin '${name}' is not available in the workflow sandbox. ${SDK_HINT} (sleep, uuid4, workflowInfo()) or move the work into an activity.`,
      allowTypeImports: true,
    })),
    ...['pg', 'nodemailer', 'express', 'pino', 'prom-client', 'smtp-server', 'mailparser'].map((name) => ({
      name,
      message: `'${name}' does I/O: call it from an activity (activities/), not from a workflow.`,
      allowTypeImports: true,
    })),
    ...['date-holidays', 'luxon'].map((name) => ({
      name,
      message: `'${name}' can read the wall clock and host time zone: compute business-day deadlines in an activity (domain/calendar) and use workflowNow() from './clock' for the current time.`,
      allowTypeImports: true,
    })),
    {
      name: 'ulid',
      message: 'ulid() uses crypto randomness; use uuid4() from @temporalio/workflow.',
      allowTypeImports: true,
    },
    ...['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'].map((name) => ({
      name,
      message: `'${name}' cannot run inside a workflow. ${SDK_HINT}.`,
      allowTypeImports: true,
    })),
  ],
  patterns: [
    {
      group: ['node:*'],
      message: `Node builtins are not available in the workflow sandbox. ${SDK_HINT} or move the work into an activity.`,
      allowTypeImports: true,
    },
    {
      group: ['**/activities', '**/activities/*', '**/activities/**'],
      message:
        "Do not import activity implementations into workflows: use `import type` and proxyActivities<typeof activities>() from '@temporalio/workflow'.",
      allowTypeImports: true,
    },
    {
      regex: folderRegex(['db', 'server', 'worker', 'mail', 'adapters', 'wiring', 'metrics']),
      message:
        'Workflows must not import I/O code (db/, server/, worker/, mail/, adapters/, wiring/, metrics/); reach it through an activity.',
      allowTypeImports: true,
    },
  ],
};

const restrictedWorkflowGlobals = [
  ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate'].map((name) => ({
    name,
    message: `Use sleep() / condition() from '@temporalio/workflow' instead of ${name}.`,
  })),
  {
    name: 'process',
    message: `'process' is not available in workflows; pass configuration as workflow arguments or read workflowInfo().`,
  },
  { name: 'require', message: `Use static imports; workflows are bundled.` },
  { name: 'fetch', message: 'No network I/O in workflows: call an activity.' },
  { name: 'XMLHttpRequest', message: 'No network I/O in workflows: call an activity.' },
  { name: 'crypto', message: "Use uuid4() from '@temporalio/workflow' for ids; other crypto belongs in an activity." },
  { name: 'performance', message: "Use workflowNow() from './clock' for the (deterministic) current time." },
  { name: 'Buffer', message: 'Buffer is not available in the workflow sandbox.' },
  { name: '__dirname', message: 'No file system in workflows.' },
  { name: '__filename', message: 'No file system in workflows.' },
];

// Direction of dependencies, bottom to top:
//   common/ → domain/ → db/, adapters/ → metrics/, activities/, workflows/ → server/, worker/ → wiring/ (builds the app; process entries)
// Each entry lists the repository folders a layer must not import, and the packages it must not use.
const TEMPORAL = [
  '@temporalio/client',
  '@temporalio/common',
  '@temporalio/workflow',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];
const TOPS = ['wiring', 'scripts', 'bench', 'chaos', 'test'];
const LAYERS = [
  {
    files: ['common/**/*.ts'],
    why: 'common/ holds shared types and message definitions that every layer imports',
    folders: ['domain', 'db', 'adapters', 'activities', 'workflows', 'server', 'worker', 'mail', ...TOPS],
    packages: [
      'pg',
      'nodemailer',
      'express',
      'pino',
      'prom-client',
      'smtp-server',
      'mailparser',
      '@temporalio/worker',
      '@temporalio/activity',
      '@temporalio/client',
    ],
  },
  {
    files: ['domain/**/*.ts'],
    why: 'domain/ is pure business logic: no I/O and no Temporal',
    folders: ['db', 'adapters', 'activities', 'workflows', 'server', 'worker', 'mail', ...TOPS],
    packages: ['pg', 'nodemailer', 'express', 'pino', 'prom-client', 'smtp-server', 'mailparser', ...TEMPORAL],
    noTypeImports: true,
  },
  {
    files: ['db/**/*.ts'],
    why: 'db/ owns SQL and sits below activities/ and server/',
    folders: ['adapters', 'activities', 'workflows', 'server', 'worker', 'mail', ...TOPS],
    packages: ['nodemailer', 'express', 'prom-client', 'smtp-server', 'mailparser', ...TEMPORAL],
  },
  {
    files: ['adapters/**/*.ts'],
    why: 'adapters/ wrap the outside world (SMTP, payment processors) and know nothing of the app',
    folders: ['db', 'activities', 'workflows', 'server', 'worker', 'mail', ...TOPS],
    packages: ['pg', 'express', ...TEMPORAL],
  },
  {
    files: ['activities/**/*.ts'],
    why: 'activities/ receive their clients from wiring/ and are run by the worker',
    folders: ['workflows', 'server', 'worker', 'mail', ...TOPS],
    packages: ['express', '@temporalio/workflow', '@temporalio/worker', '@temporalio/client'],
  },
  {
    files: ['metrics/**/*.ts'],
    why: 'metrics/ defines the Prometheus figures that server/ and worker/ expose; it reads through db/ only',
    folders: ['adapters', 'activities', 'workflows', 'server', 'worker', 'mail', ...TOPS],
    packages: ['@temporalio/workflow', '@temporalio/client', 'nodemailer'],
  },
  {
    files: ['server/**/*.ts'],
    why: 'server/ is the HTTP layer: it starts, signals and queries workflows through the client, never runs them',
    folders: ['activities', 'worker', 'mail', ...TOPS],
    packages: ['@temporalio/workflow', '@temporalio/worker', '@temporalio/activity', 'nodemailer'],
    typeOnly: ['workflows'],
  },
  {
    files: ['worker/**/*.ts'],
    why: 'worker/ registers workflows and activities; wiring/ gives it their dependencies',
    folders: ['server', 'mail', ...TOPS],
    packages: ['express'],
  },
  {
    files: ['mail/**/*.ts'],
    why: 'mail/ is the local SMTP sink of the dev stack and tests, independent of the product',
    folders: ['domain', 'db', 'adapters', 'activities', 'workflows', 'server', 'worker', ...TOPS],
    packages: [...TEMPORAL],
  },
  {
    files: ['wiring/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'chaos/**/*.ts'],
    why: 'only tests may import test code',
    folders: ['test'],
    packages: [],
  },
];

function layerRule({ why, folders, packages, typeOnly = [], noTypeImports = false }) {
  return {
    paths: packages.map((name) => ({ name, message: `${why}.`, allowTypeImports: !noTypeImports })),
    patterns: [
      {
        regex: folderRegex(folders),
        message: `${why}: it must not import ${folders.map((f) => `${f}/`).join(', ')}.`,
        allowTypeImports: false,
      },
      ...(typeOnly.length
        ? [
            {
              regex: folderRegex(typeOnly),
              message: `${why}: ${typeOnly.join(', ')}/ only as \`import type\`.`,
              allowTypeImports: true,
            },
          ]
        : []),
    ],
  };
}

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', '.tools/', '.data/', 'coverage/']),

  {
    files: ['**/*.{js,mjs,cjs,ts,mts,cts}'],
    extends: [js.configs.recommended],
  },

  // TypeScript everywhere.
  {
    files: ['**/*.{ts,mts,cts}'],
    extends: [tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },

  // Plain JavaScript: Node scripts (ESM) and CommonJS config files.
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  {
    files: ['**/*.cjs', 'jest.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },

  // Tests: jest globals.
  {
    files: ['test/**/*.{ts,mts,js,mjs}'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
  },

  // Layers: each folder imports only the folders below it.
  ...LAYERS.map((layer) => ({
    files: layer.files,
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', layerRule(layer)],
    },
  })),

  // Temporal workflow determinism.
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', restrictedWorkflowImports],
      'no-restricted-globals': ['error', ...restrictedWorkflowGlobals],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: "Use uuid4() from '@temporalio/workflow' (or pass randomness in from an activity).",
        },
        {
          object: 'Date',
          property: 'now',
          message: "Use workflowNow() from './clock' (the SDK's deterministic time).",
        },
        { object: 'crypto', property: 'randomUUID', message: "Use uuid4() from '@temporalio/workflow'." },
        { object: 'crypto', property: 'getRandomValues', message: "Use uuid4() from '@temporalio/workflow'." },
        { object: 'performance', property: 'now', message: "Use workflowNow() from './clock'." },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message:
            "new Date() reads the clock: use new Date(workflowNow()) with workflowNow() from './clock' (workflowInfo() for start times).",
        },
        {
          selector: "CallExpression[callee.name='Date']",
          message:
            "Date() returns the wall-clock time as a string: use new Date(workflowNow()).toString() with workflowNow() from './clock'.",
        },
      ],
    },
  },
]);
