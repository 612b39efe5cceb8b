import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import { authenticate } from 'mailauth';

/** dns.promises.resolve's shape, which mailauth calls for TXT, MX, A and AAAA records. */
export type DnsResolver = (name: string, rrtype: string) => Promise<string[] | string[][]>;

/** Records by lower-cased name, then by type: `{ "example.com": { "TXT": ["v=spf1 ip4:127.0.0.1 -all"] } }`. */
export type DnsZone = Record<string, Record<string, string[]>>;

/** What SPF, DKIM and DMARC said about a message, as stored with it. */
export interface SenderAuthentication {
  spf: string;
  dkim: string[];
  dmarc: string;
  /** The From domain is vouched for: DMARC passed, or, without a DMARC record, SPF or DKIM passed aligned with it. */
  authenticated: boolean;
  fromDomain: string | null;
  /** The Authentication-Results header mailauth wrote. */
  header: string;
}

const notFound = (name: string) => Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });

/**
 * A resolver answering from fixed records, for hosts whose DNS the deployment does not reach
 * (the `.example` demo domains of the dev stack, and test data). Anything else does not exist.
 */
export function zoneResolver(zone: DnsZone): DnsResolver {
  const records = new Map(Object.entries(zone).map(([name, byType]) => [name.toLowerCase(), byType]));
  return async (name, rrtype) => {
    const found = records.get(name.toLowerCase().replace(/\.$/, ''))?.[rrtype.toUpperCase()];
    if (!found?.length) throw notFound(name);
    // TXT answers come as chunks per record, as from dns.resolveTxt.
    return rrtype.toUpperCase() === 'TXT' ? found.map((r) => [r]) : found;
  };
}

/** The system resolver, or a zone file named by the deployment (INBOUND_DNS_ZONE_FILE). */
export function dnsResolver(zoneFile?: string): DnsResolver {
  if (zoneFile) return zoneResolver(JSON.parse(readFileSync(zoneFile, 'utf8')) as DnsZone);
  return (name, rrtype) => dns.resolve(name, rrtype) as Promise<string[] | string[][]>;
}

/** Checks SPF (from the SMTP envelope), DKIM and DMARC of a raw message. */
export async function authenticateSender(
  raw: Buffer,
  envelope: { mailFrom: string; remoteAddress: string; helo: string },
  resolver: DnsResolver,
  mta: string,
): Promise<SenderAuthentication> {
  const result = await authenticate(raw, {
    ip: envelope.remoteAddress.replace(/^::ffff:/, ''),
    helo: envelope.helo,
    sender: envelope.mailFrom,
    mta,
    resolver,
    disableArc: true,
    disableBimi: true,
  });
  const fromDomain = result.dkim.headerFrom?.[0]?.split('@').pop()?.toLowerCase() ?? null;
  const spf = result.spf ? result.spf.status.result : 'none';
  const spfDomain = result.spf ? result.spf.domain.toLowerCase() : null;
  const dkimPasses = result.dkim.results
    .filter((r) => r.status.result === 'pass')
    .map((r) => r.signingDomain.toLowerCase());
  const dmarc = result.dmarc ? result.dmarc.status.result : 'none';
  const alignedWithoutDmarc =
    fromDomain !== null && ((spf === 'pass' && spfDomain === fromDomain) || dkimPasses.includes(fromDomain));
  return {
    spf,
    dkim: result.dkim.results.map((r) => `${r.signingDomain ?? '?'}:${r.status.result}`),
    dmarc,
    authenticated: dmarc === 'pass' || (dmarc === 'none' && alignedWithoutDmarc),
    fromDomain,
    header: result.headers,
  };
}
