import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { ulid } from 'ulid';
import { parse } from 'yaml';
import { CLAIM_WORKFLOW_TYPE } from '../../common/ids';
import {
  CLAIM_SEARCH_ATTRIBUTES,
  ClaimAccountAttribute,
  ClaimOverdueAttribute,
  ClaimPolicyAttribute,
  ClaimStatusAttribute,
} from '../../common/search-attributes';

const repo = path.resolve(__dirname, '../..');
const expected = CLAIM_SEARCH_ATTRIBUTES.map(({ name, cliType }) => ({ name, cliType }));

/** The list the plain-Node scripts (dev stack, test setup) register; they cannot import TypeScript. */
function scriptsCopy(): unknown {
  const program =
    "import { CLAIM_SEARCH_ATTRIBUTES as a } from './scripts/lib/search-attributes.mjs'; console.log(JSON.stringify(a));";
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', program], { cwd: repo, encoding: 'utf8' }),
  );
}

/** The `--name=… --type=…` pairs of docker-compose's one-shot registration service. */
function composeCopy(): { name: string; cliType: string }[] {
  const compose = parse(fs.readFileSync(path.join(repo, 'docker-compose.yml'), 'utf8'));
  const args: string[] = compose.services['temporal-search-attributes'].command;
  const values = (flag: string) => args.filter((a) => a.startsWith(`--${flag}=`)).map((a) => a.slice(flag.length + 3));
  const types = values('type');
  return values('name').map((name, i) => ({ name, cliType: types[i]! }));
}

describe('claim search attributes', () => {
  it('are listed identically in common/search-attributes.ts, the dev scripts and docker-compose', () => {
    expect(scriptsCopy()).toEqual(expected);
    expect(composeCopy()).toEqual(expected);
  });

  it('are registered on the dev server the setup starts, so a visibility query finds a claim by status and policy', async () => {
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE });
    const account = `acct_${ulid()}`;
    // No worker polls this queue: the run only has to exist with its attributes.
    const handle = await client.workflow.start(CLAIM_WORKFLOW_TYPE, {
      taskQueue: `search-attributes-${ulid()}`,
      workflowId: `search-attributes-${ulid()}`,
      args: [{ claimId: 'clm_none' }],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: ClaimStatusAttribute, value: 'in_review' },
        { key: ClaimAccountAttribute, value: account },
        { key: ClaimPolicyAttribute, value: 'imaginator' },
        { key: ClaimOverdueAttribute, value: false },
      ]),
    });
    try {
      const query = `RefundClaimStatus="in_review" AND RefundPolicy="imaginator" AND RefundAccount="${account}" AND RefundOverdue=false`;
      const found: string[] = [];
      for await (const run of client.workflow.list({ query })) found.push(run.workflowId);
      expect(found).toEqual([handle.workflowId]);
    } finally {
      await handle.terminate('test done');
      await connection.close();
    }
  });
});
