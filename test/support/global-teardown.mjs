// Jest globalTeardown: stop what global-setup.mjs started and delete its data.
import fs from 'node:fs';
import { dropDatabase } from '../../scripts/lib/postgres.mjs';

export default async function globalTeardown() {
  const infra = globalThis.__REFUND_DESK_TEST_INFRA__;
  if (!infra) return;
  globalThis.__REFUND_DESK_TEST_INFRA__ = undefined;
  const errors = [];
  const attempt = async (what, fn) => {
    try {
      await fn();
    } catch (err) {
      errors.push(`${what}: ${err?.message ?? err}`);
    }
  };
  await Promise.all([
    attempt('temporal', () => infra.temporal?.stop()),
    attempt('postgres', () => (infra.db?.external ? dropDatabase(infra.db.adminUrl, infra.db.name) : infra.db?.stop())),
  ]);
  fs.rmSync(infra.runDir, { recursive: true, force: true });
  if (errors.length) process.stderr.write(`[test] teardown problems: ${errors.join('; ')}\n`);
}
