import { parseDnsQuery } from '@airlock/strace';
import { addressFromReverseName, type FakeAddressBook } from './fake-addresses.js';

export interface DnsAnswer {
  response: Buffer;
  qname: string;
  qtype: string;
  answers: string[];
}

const TYPE = { A: 1, CNAME: 5, PTR: 12, MX: 15, TXT: 16 } as const;
const TTL = 60;

/**
 * Answers any DNS query so that what follows comes back to the sinkhole: A gets a fake address per
 * name; CNAME, MX and PTR get plausible names; TXT a plausible string; anything else (AAAA included:
 * the namespace has no IPv6) an empty NOERROR. Returns null for bytes that are not a query.
 */
export function answerDnsQuery(query: Uint8Array, book: FakeAddressBook): DnsAnswer | null {
  const parsed = parseDnsQuery(query);
  const question = parsed?.questions[0];
  if (!parsed || !question) return null;
  const name = question.qname.replace(/\.$/, '');
  const records: { type: number; rdata: Buffer; text: string }[] = [];
  switch (question.qtypeCode) {
    case TYPE.A: {
      const address = book.addressFor(name);
      records.push({ type: TYPE.A, rdata: Buffer.from(address.split('.').map(Number)), text: address });
      break;
    }
    case TYPE.CNAME:
      records.push({ type: TYPE.CNAME, rdata: encodeName(`edge.${name}`), text: `edge.${name}` });
      break;
    case TYPE.MX: {
      const exchange = `mail.${name}`;
      records.push({ type: TYPE.MX, rdata: Buffer.concat([Buffer.from([0, 10]), encodeName(exchange)]), text: `10 ${exchange}` });
      break;
    }
    case TYPE.TXT: {
      const text = 'v=spf1 include:_spf.google.com ~all';
      records.push({ type: TYPE.TXT, rdata: Buffer.concat([Buffer.from([text.length]), Buffer.from(text)]), text });
      break;
    }
    case TYPE.PTR: {
      const address = addressFromReverseName(name);
      const target = (address && book.nameFor(address)) ?? `host-${(address ?? 'unknown').replace(/\./g, '-')}.example.net`;
      records.push({ type: TYPE.PTR, rdata: encodeName(target), text: target });
      break;
    }
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(parsed.id, 0);
  const rd = query[2]! & 0x01;
  header.writeUInt16BE(0x8080 | (rd << 8), 2); // QR, RA, RD copied, NOERROR
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const questionBytes = Buffer.concat([encodeName(name), u16(question.qtypeCode), u16(1)]);
  const answerBytes = records.map((r) =>
    Buffer.concat([Buffer.from([0xc0, 0x0c]), u16(r.type), u16(1), u32(TTL), u16(r.rdata.length), r.rdata]),
  );
  return {
    response: Buffer.concat([header, questionBytes, ...answerBytes]),
    qname: name,
    qtype: question.qtype,
    answers: records.map((r) => r.text),
  };
}

/** Wire form of a name; labels longer than 63 bytes (exfiltration likes them) are cut to fit. */
function encodeName(name: string): Buffer {
  const parts = name
    .split('.')
    .filter(Boolean)
    .map((label) => {
      const bytes = Buffer.from(label, 'utf8').subarray(0, 63);
      return Buffer.concat([Buffer.from([bytes.length]), bytes]);
    });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
