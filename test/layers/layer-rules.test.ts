import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const RULE = '@typescript-eslint/no-restricted-imports';

/** One import placed in a file of a given folder: does the repository's ESLint config refuse it? */
interface Probe {
  file: string;
  code: string;
}

/** Lints every probe with the real eslint.config.mjs in one child process (ESLint's config loader is ESM). */
function lint(probes: Probe[]): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    const eslint = new ESLint({ cwd: process.argv[1] });
    const probes = JSON.parse(process.argv[2]);
    const out = [];
    for (const p of probes) {
      const [result] = await eslint.lintText(p.code, { filePath: p.file });
      out.push(result.messages.filter((m) => m.ruleId === '${RULE}').map((m) => m.message));
    }
    console.log(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script, ROOT, JSON.stringify(probes)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as string[][];
}

const BREAKS: [string, Probe][] = [
  [
    'domain/ importing db/',
    { file: 'domain/policy/probe.ts', code: "import { createDb } from '../../db';\nexport const x = createDb;\n" },
  ],
  [
    'domain/ importing activities/',
    {
      file: 'domain/calendar/probe.ts',
      code: "import { createActivities } from '../../activities';\nexport const x = createActivities;\n",
    },
  ],
  [
    'domain/ importing server/',
    {
      file: 'domain/policy/probe.ts',
      code: "import { createApp } from '../../server/app';\nexport const x = createApp;\n",
    },
  ],
  [
    'domain/ importing Temporal',
    {
      file: 'domain/policy/probe.ts',
      code: "import type { Client } from '@temporalio/client';\nexport type X = Client;\n",
    },
  ],
  [
    'db/ importing server/',
    { file: 'db/probe.ts', code: "import { ClaimBody } from '../server/schemas';\nexport const x = ClaimBody;\n" },
  ],
  [
    'db/ importing activities/',
    {
      file: 'db/import/probe.ts',
      code: "import type { ActivityDeps } from '../../activities/deps';\nexport type X = ActivityDeps;\n",
    },
  ],
  [
    'server/ importing activities/',
    {
      file: 'server/routes/probe.ts',
      code: "import { createActivities } from '../../activities';\nexport const x = createActivities;\n",
    },
  ],
  [
    'server/ importing worker/',
    {
      file: 'server/probe.ts',
      code: "import { createRefundDeskWorker } from '../worker/create-worker';\nexport const x = createRefundDeskWorker;\n",
    },
  ],
  [
    'server/ importing the wiring',
    { file: 'server/probe.ts', code: "import { loadConfig } from '../wiring/config';\nexport const x = loadConfig;\n" },
  ],
  [
    'server/ loading the workflow SDK',
    {
      file: 'server/probe.ts',
      code: "import { defineSignal } from '@temporalio/workflow';\nexport const x = defineSignal;\n",
    },
  ],
  [
    'adapters/ importing db/',
    { file: 'adapters/probe.ts', code: "import { createDb } from '../db';\nexport const x = createDb;\n" },
  ],
  [
    'activities/ importing server/',
    {
      file: 'activities/probe.ts',
      code: "import { HttpError } from '../server/errors';\nexport const x = HttpError;\n",
    },
  ],
  [
    'worker/ importing server/',
    { file: 'worker/probe.ts', code: "import { createApp } from '../server/app';\nexport const x = createApp;\n" },
  ],
  [
    'common/ importing domain/',
    {
      file: 'common/probe.ts',
      code: "import { loadPolicyPacks } from '../domain/policy';\nexport const x = loadPolicyPacks;\n",
    },
  ],
  [
    'workflows/ importing adapters/',
    {
      file: 'workflows/probe.ts',
      code: "import { manualPayoutGateway } from '../adapters/payments';\nexport const x = manualPayoutGateway;\n",
    },
  ],
  [
    'metrics/ importing server/',
    { file: 'metrics/probe.ts', code: "import { createApp } from '../server/app';\nexport const x = createApp;\n" },
  ],
  [
    'bench/ importing a test fixture',
    { file: 'bench/probe.ts', code: "import { policy } from '../test/policy/fixtures';\nexport const x = policy;\n" },
  ],
];

const ALLOWED: [string, Probe][] = [
  [
    'domain/ importing common/',
    {
      file: 'domain/policy/probe.ts',
      code: "import type { Decision } from '../../common/claim';\nexport type X = Decision;\n",
    },
  ],
  [
    'db/ importing domain/',
    {
      file: 'db/probe.ts',
      code: "import { parsePolicyPack } from '../domain/policy';\nexport const x = parsePolicyPack;\n",
    },
  ],
  [
    'activities/ importing db/ and adapters/',
    {
      file: 'activities/probe.ts',
      code: "import { createDb } from '../db';\nimport type { Mailer } from '../adapters/mailer';\nexport const x = createDb;\nexport type X = Mailer;\n",
    },
  ],
  [
    'server/ typing a workflow',
    {
      file: 'server/probe.ts',
      code: "import type { claimWorkflow } from '../workflows';\nexport type X = typeof claimWorkflow;\n",
    },
  ],
  [
    'wiring/ importing every layer',
    {
      file: 'wiring/probe.ts',
      code: "import { createApp } from '../server/app';\nimport { createRefundDeskWorker } from '../worker/create-worker';\nexport const x = [createApp, createRefundDeskWorker];\n",
    },
  ],
];

describe('ESLint enforces the direction of dependencies', () => {
  const results = lint([...BREAKS, ...ALLOWED].map(([, probe]) => probe));

  it.each(BREAKS.map(([name], i) => [name, i] as const))('refuses %s', (_name, i) => {
    expect(results[i]!.length).toBeGreaterThan(0);
  });

  it.each(ALLOWED.map(([name], i) => [name, BREAKS.length + i] as const))('allows %s', (_name, i) => {
    expect(results[i]).toEqual([]);
  });

  it('names the layer rule it broke', () => {
    expect(results[0]![0]).toMatch(/domain\/ is pure business logic: no I\/O and no Temporal: it must not import db\//);
  });
});
