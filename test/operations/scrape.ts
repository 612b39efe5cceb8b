/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text format's samples (comments and HELP/TYPE lines skipped). */
export function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const m = SAMPLE.exec(line);
      if (!m) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1]!, l[2]!]));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

/** GET url and parse it; fails on anything but 200. */
export async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  return parseExposition(await res.text());
}

/** The value of the one sample with exactly these labels; undefined when there is none. */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  const hits = samples.filter((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted);
  if (hits.length > 1) throw new Error(`${name} ${wanted} appears ${hits.length} times`);
  return hits[0]?.value;
}

/** Every sample of a metric, as `labels → value` lines that read well in a failed assertion. */
export function seriesOf(samples: Sample[], name: string): Record<string, number> {
  return Object.fromEntries(
    samples
      .filter((s) => s.name === name)
      .map((s) => [
        Object.entries(s.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
        s.value,
      ]),
  );
}
