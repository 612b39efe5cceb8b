import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DEFAULT_POLICY_DIR,
  loadPolicyPacks,
  packRules,
  parsePolicyPack,
  PolicyPackError,
  policyVersion,
  type PolicyPack,
} from '../../domain/policy';
import { normalise, POLICIES, SEED_DIR } from './fixtures';

const ids = ['apiany', 'imaginator', 'pixazo-api', 'sora2-api'];
const rawPack = (id: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(DEFAULT_POLICY_DIR, `${id}.json`), 'utf8')) as Record<string, unknown>;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function writePacks(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'policy-packs-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

describe('policy packs', () => {
  it('loads every pack in policies/, keyed by id', () => {
    expect([...POLICIES.keys()].sort()).toEqual(ids);
    expect(
      readdirSync(DEFAULT_POLICY_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(ids.map((id) => `${id}.json`));
  });

  it.each(ids)('%s validates and names an existing seed', (id) => {
    expect(() => parsePolicyPack(rawPack(id))).not.toThrow();
    expect(readdirSync(SEED_DIR)).toContain(POLICIES.get(id)!.pack.seed);
  });

  it.each(ids)('every clause quote of %s occurs word for word in its seed', (id) => {
    const { pack } = POLICIES.get(id)!;
    const seed = normalise(readFileSync(path.join(SEED_DIR, pack.seed), 'utf8'));
    const rules = packRules(pack);
    expect(rules.length).toBeGreaterThan(30);
    const missing = rules.filter((rule) => !seed.includes(normalise(rule.quote)));
    expect(missing).toEqual([]);
  });

  it.each(ids)('every rule of %s carries a clause', (id) => {
    for (const rule of packRules(POLICIES.get(id)!.pack)) expect(rule.clause.trim()).not.toBe('');
  });

  it('sora2-api follows California law: Los Angeles time and California holidays', () => {
    expect(POLICIES.get('sora2-api')!.pack.calendar).toMatchObject({
      timeZone: 'America/Los_Angeles',
      holidays: { name: 'California state holidays (the days state offices close)' },
    });
  });
});

describe('policy version', () => {
  it('is 16 hex characters of the content hash', () => {
    for (const loaded of POLICIES.values()) expect(loaded.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is stable across loads, key order and a stored round trip', () => {
    const again = loadPolicyPacks();
    for (const [id, loaded] of POLICIES) {
      expect(again.get(id)!.version).toBe(loaded.version);
      const reversed = Object.fromEntries(Object.entries(rawPack(id)).reverse());
      expect(parsePolicyPack(reversed).version).toBe(loaded.version);
      expect(parsePolicyPack(clone(loaded.pack)).version).toBe(loaded.version);
      expect(policyVersion(loaded.pack)).toBe(loaded.version);
    }
  });

  it('changes when any content changes', () => {
    const pack = clone(POLICIES.get('pixazo-api')!.pack);
    const before = policyVersion(pack);
    pack.autoDecision.maxAmountMinor += 1;
    expect(policyVersion(pack)).not.toBe(before);
    const quoteChanged = clone(POLICIES.get('pixazo-api')!.pack);
    quoteChanged.requests.platform_error.message += ' ';
    expect(policyVersion(quoteChanged)).not.toBe(before);
  });
});

describe('pack validation', () => {
  const pixazo = () => clone(POLICIES.get('pixazo-api')!.pack) as PolicyPack & Record<string, unknown>;

  it('rejects unknown keys (strict objects)', () => {
    const pack = pixazo();
    (pack.sla.review as Record<string, unknown>).graceDays = 2;
    expect(() => parsePolicyPack(pack)).toThrow(/graceDays/);
  });

  it('rejects a missing verdict rule', () => {
    const pack = pixazo();
    delete (pack.requests as Partial<PolicyPack['requests']>).unverified_timeout;
    expect(() => parsePolicyPack(pack)).toThrow(PolicyPackError);
  });

  it('rejects a default remedy that is not allowed', () => {
    const pack = pixazo();
    pack.remedies.default = 'service_credit';
    expect(() => parsePolicyPack(pack)).toThrow(/default remedy is not allowed/);
  });

  it('rejects a review warning that is not before the due day', () => {
    const pack = pixazo();
    pack.sla.review.warnBusinessDays = 10;
    expect(() => parsePolicyPack(pack)).toThrow(/warning must come before/);
  });

  it('rejects an unreadable holiday rule and an unknown time zone', () => {
    const pack = pixazo();
    pack.calendar.holidays.days[0]!.rule = 'the first full moon of spring';
    pack.calendar.timeZone = 'Mars/Olympus';
    expect(() => parsePolicyPack(pack)).toThrow(
      /not a date-holidays rule[\s\S]*IANA|IANA[\s\S]*not a date-holidays rule/,
    );
  });

  it('rejects an outage-share handling without its rules', () => {
    const pack = pixazo();
    pack.reasons.service_outage.handling = 'outage_share';
    expect(() => parsePolicyPack(pack)).toThrow(/needs outageShare/);
  });

  it('rejects a restricted default while the engine decides alone', () => {
    const pack = clone(POLICIES.get('apiany')!.pack);
    pack.remedies.default = 'refund';
    expect(() => parsePolicyPack(pack)).toThrow(/default remedy needs a person/);
  });

  it('loadPolicyPacks names the file and the issue', () => {
    const broken = rawPack('apiany');
    (broken.claimWindow as Record<string, unknown>).days = 0;
    const dir = writePacks({ 'apiany.json': broken });
    expect(() => loadPolicyPacks(dir)).toThrow(
      new RegExp(`${path.join(dir, 'apiany.json')}[\\s\\S]*claimWindow\\.days`),
    );
  });

  it('loadPolicyPacks names a file that is not JSON', () => {
    const dir = writePacks({ 'imaginator.json': '{ not json' });
    expect(() => loadPolicyPacks(dir)).toThrow(/imaginator\.json: not readable JSON/);
  });

  it('loadPolicyPacks refuses a file whose name is not its id', () => {
    const dir = writePacks({ 'pixazo.json': rawPack('pixazo-api') });
    expect(() => loadPolicyPacks(dir)).toThrow(/id "pixazo-api" does not match the file name/);
  });
});
