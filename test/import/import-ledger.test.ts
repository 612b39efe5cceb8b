/**
 * The usage-ledger file importer (db/import, scripts/import-ledger.ts) against a private database:
 * exact summaries with line numbers for small CSV / NDJSON files, safe re-runs, the CLI's exit
 * codes, and one million usage requests from a generated NDJSON file.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDb, type Db } from '../../db';
import { importLedgerFile, LedgerFileError, type ImportProgress } from '../../db/import';
import { migrate } from '../../db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { writeUsageRequestsFile } from '../../bench/lib/ledger-files';

const REPO = path.resolve(__dirname, '../..');

let testDb: TestDatabase;
let db: Db;
let dir: string;

beforeAll(async () => {
  testDb = await createTestDatabase('refund_desk_import');
  db = createDb(testDb.url, 4);
  await migrate(db);
  await db.query(
    `INSERT INTO accounts (id, email, policy_id)
     SELECT 'acct_' || i, 'acct_' || i || '@customer.example', 'pixazo-api' FROM generate_series(0, 99) i`,
  );
  dir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-import-'));
});

afterAll(async () => {
  await db?.end();
  await testDb?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, lines.join('\n'));
  return file;
}

const count = async (sql: string, params: unknown[] = []): Promise<number> =>
  Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);

/** One usage request as an NDJSON line. */
const request = (id: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    requestId: id,
    accountId: 'acct_2',
    endpoint: '/v1/embeddings',
    model: null,
    httpStatus: 200,
    outcome: 'success',
    amountMinor: 5,
    currency: 'USD',
    outputDelivered: true,
    startedAt: '2025-03-02T08:00:00.000Z',
    completedAt: '2025-03-02T08:00:00.400Z',
    ...extra,
  });

const REQUEST_COLUMNS =
  'requestId,accountId,endpoint,model,httpStatus,outcome,amountMinor,currency,outputDelivered,startedAt,completedAt';

describe('importLedgerFile', () => {
  it('imports a CSV of usage requests and reports every rejected row with its line number', async () => {
    const file = await fileWith('requests.csv', [
      REQUEST_COLUMNS, //                                                                                          line 1
      'csv_1,acct_1,/v1/chat/completions,gpt-x,500,error,120,USD,false,2025-03-01T10:00:00Z,2025-03-01T10:00:02Z', // 2
      'csv_2,acct_1,"/v1/images, ""hd""",,200,success,300,USD,true,2025-03-01T10:00:00Z,', //                      3
      'csv_1,acct_1,/v1/chat/completions,gpt-x,500,error,120,USD,false,2025-03-01T10:00:00Z,2025-03-01T10:00:02Z', // 4 duplicate
      'csv_3,acct_1,/v1/chat/completions', //                                                                     5 malformed
      'csv_4,acct_1,/v1/chat/completions,gpt-x,abc,error,12.5,USD,maybe,2025-03-01T10:00:00Z,', //                6 invalid values
      'csv_5,acct_nobody,/v1/chat/completions,gpt-x,502,error,80,USD,false,2025-03-01T10:00:00Z,', //             7 unknown account
      '', //                                                                                                      8 blank
      '"csv_6,acct_2,/v1/chat/completions', //                                                                    9 quote never closed
    ]);

    const summary = await importLedgerFile(db, { kind: 'requests', file, batchSize: 2 });

    expect(summary).toMatchObject({
      kind: 'requests',
      format: 'csv',
      rowsRead: 7,
      inserted: 2,
      duplicates: 1,
      rejected: 4,
    });
    expect(summary.rejections).toEqual([
      { line: 5, key: 'csv_3', reason: 'expected 11 fields (as in the header), found 3' },
      {
        line: 6,
        key: 'csv_4',
        reason: expect.stringMatching(
          /^httpStatus: .*\(got "abc"\); amountMinor: .*\(got 12\.5\); outputDelivered: .*\(got "maybe"\)$/,
        ),
      },
      {
        line: 7,
        key: 'csv_5',
        reason: 'unknown account "acct_nobody": create it first (PUT /v1/accounts/acct_nobody)',
      },
      { line: 9, reason: 'malformed CSV: a quoted field is never closed (the record runs to the end of the file)' },
    ]);
    const { rows } = await db.query(
      `SELECT request_id, endpoint, model, http_status, amount_minor, output_delivered, completed_at
         FROM usage_requests WHERE request_id LIKE 'csv_%' ORDER BY request_id`,
    );
    expect(rows).toEqual([
      {
        request_id: 'csv_1',
        endpoint: '/v1/chat/completions',
        model: 'gpt-x',
        http_status: 500,
        amount_minor: '120',
        output_delivered: false,
        completed_at: new Date('2025-03-01T10:00:02Z'),
      },
      {
        request_id: 'csv_2',
        endpoint: '/v1/images, "hd"',
        model: null,
        http_status: 200,
        amount_minor: '300',
        output_delivered: true,
        completed_at: null,
      },
    ]);

    const again = await importLedgerFile(db, { kind: 'requests', file });
    expect(again).toMatchObject({ rowsRead: 7, inserted: 0, duplicates: 3, rejected: 4 });
    expect(again.rejections.map((r) => r.line)).toEqual([5, 6, 7, 9]);
  });

  it('imports NDJSON and rejects what PostgreSQL would refuse, row by row', async () => {
    const file = await fileWith('requests.ndjson', [
      request('nd_1'), //                                                       line 1
      request('nd_2', { httpStatus: 504, outcome: 'timeout', completedAt: null }), // 2
      '{"requestId": "nd_3", ', //                                              3 not JSON
      request('nd_1'), //                                                       4 duplicate
      '', //                                                                    5 blank
      request('nd_4', { accountId: 'acct_ghost' }), //                          6 unknown account
      request('nd_5', { startedAt: '0000-01-01T00:00:00Z' }), //                7 valid ISO 8601, not for PostgreSQL
      request('nd_6', { currency: 'usd', extra: 1 }), //                        8 invalid
      request('nd_7', { model: 'gpt\u0000x' }), //                             9 NUL in text
      request('nd_8'), //                                                      10
      request('nd_9'), //                                                      11
    ]);

    const summary = await importLedgerFile(db, { kind: 'requests', file, batchSize: 4 });

    expect(summary).toMatchObject({ format: 'ndjson', rowsRead: 10, inserted: 4, duplicates: 1, rejected: 5 });
    expect(summary.rejections).toEqual([
      { line: 3, reason: expect.stringMatching(/^invalid JSON: /) },
      { line: 6, key: 'nd_4', reason: 'unknown account "acct_ghost": create it first (PUT /v1/accounts/acct_ghost)' },
      {
        line: 7,
        key: 'nd_5',
        reason:
          'startedAt: a date between the years 2000 and 2099, as an ISO 8601 instant with offset (got "0000-01-01T00:00:00Z")',
      },
      { line: 8, key: 'nd_6', reason: expect.stringMatching(/^currency: .*\(got "usd"\); Unrecognized key: "extra"$/) },
      { line: 9, key: 'nd_7', reason: 'model: contains a NUL character, which PostgreSQL text cannot hold' },
    ]);
    expect(await count(`SELECT count(*) AS n FROM usage_requests WHERE request_id LIKE 'nd_%'`)).toBe(4);

    const again = await importLedgerFile(db, { kind: 'requests', file, batchSize: 4 });
    expect(again).toMatchObject({ rowsRead: 10, inserted: 0, duplicates: 5, rejected: 5 });
  });

  it('finds the row the database refuses in a batch by splitting it, and keeps the rest of the batch', async () => {
    await db.query(`ALTER TABLE usage_requests ADD CONSTRAINT import_test_refuse CHECK (endpoint <> '/v1/refused')`);
    try {
      const file = await fileWith('refused.ndjson', [
        request('bis_1'),
        request('bis_2'),
        request('bis_3', { endpoint: '/v1/refused' }),
        request('bis_4', { accountId: 'acct_ghost' }),
        request('bis_5'),
        request('bis_6', { endpoint: '/v1/refused' }),
        request('bis_7'),
      ]);
      const summary = await importLedgerFile(db, { kind: 'requests', file, batchSize: 100 });
      expect(summary).toMatchObject({ rowsRead: 7, inserted: 4, duplicates: 0, rejected: 3 });
      expect(summary.rejections).toEqual([
        {
          line: 3,
          key: 'bis_3',
          reason: expect.stringMatching(/^refused by the database: .*violates check constraint "import_test_refuse"/),
        },
        { line: 4, key: 'bis_4', reason: expect.stringMatching(/^unknown account "acct_ghost"/) },
        { line: 6, key: 'bis_6', reason: expect.stringMatching(/^refused by the database: .*"import_test_refuse"/) },
      ]);
    } finally {
      await db.query('ALTER TABLE usage_requests DROP CONSTRAINT import_test_refuse');
    }
  });

  it('applies the charges and outages tables’ own rules row by row', async () => {
    const charges = await fileWith('charges.csv', [
      'transactionId,accountId,amountMinor,currency,kind,periodStart,periodEnd,createdAt,invoiceNumber',
      'tx_1,acct_3,2000,USD,credit_purchase,,,2025-03-01T00:00:00Z,INV-1',
      'tx_2,acct_3,-500,USD,correction,2025-03-01T00:00:00Z,2025-04-01T00:00:00Z,2025-04-01T00:00:00Z,',
      'tx_3,acct_3,900,USD,subscription,2025-04-01T00:00:00Z,2025-03-01T00:00:00Z,2025-04-01T00:00:00Z,',
      // A charge is positive: a negative amount is a correction, its own kind.
      'tx_4,acct_3,-500,USD,usage,,,2025-04-01T00:00:00Z,',
    ]);
    expect(await importLedgerFile(db, { kind: 'charges', file: charges })).toMatchObject({
      rowsRead: 4,
      inserted: 2,
      duplicates: 0,
      rejected: 2,
      rejections: [
        { line: 4, key: 'tx_3', reason: 'periodEnd must be after periodStart' },
        { line: 5, key: 'tx_4', reason: expect.stringMatching(/a charge is positive; a correction/) },
      ],
    });
    expect(
      (await db.query(`SELECT invoice_number, payment_reference FROM charges WHERE transaction_id = 'tx_1'`)).rows,
    ).toEqual([{ invoice_number: 'INV-1', payment_reference: null }]);

    const outages = await fileWith('outages.csv', [
      'id,startedAt,endedAt,scheduled,forceMajeure,cause',
      'out_1,2025-03-01T10:00:00Z,2025-03-01T11:00:00Z,,,"GPU pool down, region eu-1"',
      'out_2,2025-03-02T10:00:00Z,,TRUE,false,maintenance',
      'out_3,2025-03-03T10:00:00Z,2025-03-03T09:00:00Z,false,false,clock skew',
    ]);
    expect(await importLedgerFile(db, { kind: 'outages', file: outages })).toMatchObject({
      rowsRead: 3,
      inserted: 2,
      rejected: 1,
      rejections: [{ line: 4, key: 'out_3', reason: 'endedAt must be after startedAt' }],
    });
    expect((await db.query('SELECT id, scheduled, force_majeure, cause FROM outages ORDER BY id')).rows).toEqual([
      { id: 'out_1', scheduled: false, force_majeure: false, cause: 'GPU pool down, region eu-1' },
      { id: 'out_2', scheduled: true, force_majeure: false, cause: 'maintenance' },
    ]);
  });

  it('refuses a CSV whose header does not fit the record kind, before writing anything', async () => {
    const file = await fileWith('wrong.csv', ['requestId,accountId,colour', 'r,acct_1,blue']);
    await expect(importLedgerFile(db, { kind: 'requests', file })).rejects.toThrow(LedgerFileError);
    await expect(importLedgerFile(db, { kind: 'requests', file })).rejects.toThrow(/unknown column\(s\) "colour"/);
    const missing = await fileWith('missing.csv', ['requestId,accountId', 'r,acct_1']);
    await expect(importLedgerFile(db, { kind: 'requests', file: missing })).rejects.toThrow(
      /required column\(s\) endpoint, httpStatus, outcome, amountMinor, currency, outputDelivered, startedAt are missing/,
    );
  });

  it('imports 1,000,000 usage requests from an NDJSON file', async () => {
    const file = path.join(dir, 'million.ndjson');
    const generated = performance.now();
    const bytes = await writeUsageRequestsFile(file, 1_000_000, { accounts: 100 });
    const generatedMs = performance.now() - generated;

    const before = await count('SELECT count(*) AS n FROM usage_requests');
    let last: ImportProgress | undefined;
    const started = performance.now();
    const summary = await importLedgerFile(db, { kind: 'requests', file, onProgress: (p) => (last = p) });
    const seconds = (performance.now() - started) / 1000;

    expect(summary).toMatchObject({
      rowsRead: 1_000_000,
      inserted: 1_000_000,
      duplicates: 0,
      rejected: 0,
      bytesRead: bytes,
    });
    expect(last).toMatchObject({ bytesRead: bytes, totalBytes: bytes, rowsRead: 1_000_000, inserted: 1_000_000 });
    expect(await count('SELECT count(*) AS n FROM usage_requests')).toBe(before + 1_000_000);
    process.stderr.write(
      `[import] imported 1000000 rows (${(bytes / 1024 / 1024).toFixed(0)} MB NDJSON, generated in ` +
        `${(generatedMs / 1000).toFixed(1)} s) in ${seconds.toFixed(1)} s (${Math.round(1_000_000 / seconds)} rows/s)\n`,
    );
  }, 300_000);
});

describe('scripts/import-ledger.ts', () => {
  const run = (args: string[], env: Record<string, string | undefined> = {}) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(REPO, 'scripts/import-ledger.ts'), ...args], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: testDb.url, ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({
        code: err.code,
        stdout: err.stdout,
        stderr: err.stderr,
      }),
    );

  it('prints a summary and exits 0 when the import completes, rejected rows and all', async () => {
    const file = await fileWith('cli.csv', [
      REQUEST_COLUMNS,
      'cli_1,acct_4,/v1/chat/completions,gpt-x,500,error,120,USD,false,2025-03-01T10:00:00Z,',
      'cli_2,acct_missing,/v1/chat/completions,gpt-x,500,error,120,USD,false,2025-03-01T10:00:00Z,',
    ]);
    const result = await run(['--kind', 'requests', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/rows read\s+2\n\s+inserted\s+1\n\s+duplicates\s+0\n\s+rejected\s+1\n/);
    expect(result.stdout).toContain('line 3 (cli_2): unknown account "acct_missing"');
    expect(result.stderr).toContain('import-ledger: reading cli.csv'); // plain progress lines off a TTY
  }, 60_000);

  it('exits 2 on usage errors and 1 when the database cannot be reached', async () => {
    const file = await fileWith('cli2.ndjson', ['{}']);
    expect((await run(['--kind', 'refunds', file])).code).toBe(2);
    expect((await run(['--kind', 'requests'])).code).toBe(2);
    expect((await run(['--kind', 'requests', path.join(dir, 'nope.csv')])).code).toBe(2);
    expect((await run(['--kind', 'requests', '--batch-size', '0', file])).code).toBe(2);
    const unreachable = await run([
      '--kind',
      'requests',
      '--database-url',
      'postgres://nobody:x@127.0.0.1:1/none',
      file,
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/ECONNREFUSED/);
  }, 60_000);
});
