import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** mulberry32: a small seeded generator, so every run feeds the same mutations (a failure names its seed and index). */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}
export type Rng = ReturnType<typeof seeded>;

/** The corpus files of one folder, by name, as bytes. */
export function corpus(folder: 'mime' | 'stripe'): { name: string; bytes: Buffer }[] {
  const dir = path.join(__dirname, 'corpus', folder);
  return readdirSync(dir)
    .filter((name) => !name.endsWith('.md'))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(path.join(dir, name)) }));
}

const splice = (b: Buffer, at: number, remove: number, insert: Buffer | string) =>
  Buffer.concat([b.subarray(0, at), Buffer.from(insert as string), b.subarray(Math.min(b.length, at + remove))]);

/** Byte-level damage any input may suffer on the way: cut short, bytes flipped, garbage or padding put in. */
const BYTE_MUTATIONS: ((b: Buffer, rng: Rng) => Buffer)[] = [
  (b, rng) => b.subarray(0, rng.int(b.length + 1)),
  (b, rng) => {
    const out = Buffer.from(b);
    for (let k = 0; k < 1 + rng.int(8) && out.length; k++) out[rng.int(out.length)] = rng.int(256);
    return out;
  },
  (b, rng) => splice(b, rng.int(b.length + 1), 0, rng.bytes(1 + rng.int(64))),
  (b, rng) => splice(b, rng.int(b.length + 1), rng.int(32), ''),
  (b, rng) => Buffer.concat([b, b.subarray(rng.int(b.length + 1))]),
  (b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]),
];

/** Damage aimed at mail: header injection, 8-bit and huge headers, boundaries removed, line endings changed. */
const MIME_MUTATIONS: ((b: Buffer, rng: Rng) => Buffer)[] = [
  (b, rng) => splice(b, 0, 0, `X-Big: ${'h'.repeat(20_000 + rng.int(60_000))}\r\n`),
  (b) => splice(b, 0, 0, 'Subject: injected\r\nBcc: victim@example.com\r\n'),
  (b, rng) => splice(b, 0, 0, `From: ${rng.bytes(40).toString('latin1')}\r\n`),
  (b) => Buffer.from(b.toString('latin1').replace(/boundary="?[^";\r\n]*"?/gi, ''), 'latin1'),
  (b) => Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'),
  (b) => Buffer.from(b.toString('latin1').replace(/\r\n\r\n/, '\r\n'), 'latin1'),
  (b) => Buffer.from(b.toString('latin1').replace(/^From:.*\r?\n/im, ''), 'latin1'),
  (b, rng) => splice(b, b.length, 0, `\r\n.\r\n${'..'.repeat(rng.int(50))}\r\n`),
];

/** Damage aimed at JSON: values swapped for other types, huge numbers, deep nesting, unknown event types. */
const JSON_MUTATIONS: ((b: Buffer, rng: Rng) => Buffer)[] = [
  (b, rng) => {
    const text = b.toString('utf8');
    const values = [...text.matchAll(/:\s*("[^"]*"|-?\d+(?:\.\d+)?|true|false|null)/g)];
    if (!values.length) return b;
    const m = rng.pick(values);
    const replacement = rng.pick([
      '"x"',
      '-1',
      '1e308',
      '18446744073709551616',
      'null',
      '[]',
      '{}',
      'true',
      '0.5',
      '"' + 'y'.repeat(10_000) + '"',
    ]);
    return Buffer.from(text.slice(0, m.index!) + ': ' + replacement + text.slice(m.index! + m[0].length));
  },
  (b, rng) =>
    Buffer.from(
      b
        .toString('utf8')
        .replace(
          /"type":\s*"[^"]*"/,
          `"type": "charge.dispute.${rng.pick(['x', 'created ', 'CREATED', '', 'created.extra'])}"`,
        ),
    ),
  (b, rng) => {
    const text = b.toString('utf8');
    const at = text.indexOf('"object": {') + 11;
    const depth = 100 + rng.int(3_000);
    return at > 10
      ? Buffer.from(`${text.slice(0, at)}"deep": ${'['.repeat(depth)}${']'.repeat(depth)}, ${text.slice(at)}`)
      : b;
  },
  (b) => Buffer.from(b.toString('utf8').replace(/"data":/, '"data": {}, "data":')),
];

/** One mutation of `input`, chosen by the generator: byte damage or damage of the input's own kind. */
export function mutate(input: Buffer, kind: 'mime' | 'json', rng: Rng): Buffer {
  const own = kind === 'mime' ? MIME_MUTATIONS : JSON_MUTATIONS;
  const steps = 1 + rng.int(3);
  let out = input;
  for (let s = 0; s < steps; s++) out = rng.pick(rng.next() < 0.5 ? BYTE_MUTATIONS : own)(out, rng);
  return out;
}
