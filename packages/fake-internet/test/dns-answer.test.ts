import { describe, expect, it } from 'vitest';
import { parseDnsQuery } from '@airlock/strace';
import { answerDnsQuery } from '../src/dns-answer.js';
import { FakeAddressBook, reverseName } from '../src/fake-addresses.js';

/** A DNS query as a stub resolver sends it. */
function query(name: string, type: number, id = 0x1234): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, type, 0, 1])]);
}

/** Reads the answers' type and rdata back from a response (names in rdata left raw). */
function answers(response: Buffer): { type: number; rdata: Buffer }[] {
  let p = 12;
  while (response[p] !== 0) p += response[p]! + 1;
  p += 5;
  const out: { type: number; rdata: Buffer }[] = [];
  for (let i = 0; i < response.readUInt16BE(6); i++) {
    expect(response.readUInt16BE(p)).toBe(0xc00c);
    const type = response.readUInt16BE(p + 2);
    const len = response.readUInt16BE(p + 10);
    out.push({ type, rdata: response.subarray(p + 12, p + 12 + len) });
    p += 12 + len;
  }
  expect(p).toBe(response.length);
  return out;
}

describe('answerDnsQuery', () => {
  it('gives each name its own fake address, stable across queries and case', () => {
    const book = new FakeAddressBook();
    const a = answerDnsQuery(query('evil.example.com', 1), book)!;
    const b = answerDnsQuery(query('other.example.net', 1), book)!;
    const again = answerDnsQuery(query('EVIL.example.com', 1), book)!;
    expect(a.answers).toEqual(['198.18.0.1']);
    expect(b.answers).toEqual(['198.18.0.2']);
    expect(again.answers).toEqual(['198.18.0.1']);
    expect(book.nameFor('198.18.0.2')).toBe('other.example.net');
    expect(answers(a.response)).toEqual([{ type: 1, rdata: Buffer.from([198, 18, 0, 1]) }]);
  });

  it('echoes the id and question, sets QR and keeps RD', () => {
    const r = answerDnsQuery(query('x.test', 1, 0xbeef), new FakeAddressBook())!.response;
    expect(r.readUInt16BE(0)).toBe(0xbeef);
    expect(r[2]! & 0x80).toBe(0x80);
    expect(r[2]! & 0x01).toBe(0x01);
    expect(r[3]! & 0x0f).toBe(0);
    expect(parseDnsQuery(Buffer.concat([Buffer.from([0xbe, 0xef, 1, 0]), r.subarray(4, 12), r.subarray(12)]))?.questions[0]?.qname).toMatch(
      /^x\.test\.?$/,
    );
  });

  it('answers TXT, MX and CNAME with plausible records and AAAA with none', () => {
    const book = new FakeAddressBook();
    const txt = answerDnsQuery(query('c2.example.org', 16), book)!;
    expect(txt.qtype).toBe('TXT');
    expect(answers(txt.response)[0]!.rdata.subarray(1).toString()).toBe(txt.answers[0]);
    expect(answerDnsQuery(query('example.org', 15), book)!.answers).toEqual(['10 mail.example.org']);
    expect(answerDnsQuery(query('www.example.org', 5), book)!.answers).toEqual(['edge.www.example.org']);
    const aaaa = answerDnsQuery(query('v6.example.org', 28), book)!;
    expect(aaaa.answers).toEqual([]);
    expect(answers(aaaa.response)).toEqual([]);
  });

  it('answers PTR of a fake address with its name', () => {
    const book = new FakeAddressBook();
    const address = book.addressFor('beacon.example.com');
    expect(answerDnsQuery(query(reverseName(address), 12), book)!.answers).toEqual(['beacon.example.com']);
  });

  it('keeps exfiltration labels as the query carried them', () => {
    const label = 'a'.repeat(60);
    expect(answerDnsQuery(query(`${label}.x.example.com`, 1), new FakeAddressBook())!.qname).toBe(`${label}.x.example.com`);
  });

  it.each([Buffer.alloc(0), Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.alloc(40, 0xff)])('returns null for non-queries', (bytes) => {
    expect(answerDnsQuery(bytes, new FakeAddressBook())).toBeNull();
  });
});

describe('FakeAddressBook recycling', () => {
  it('never runs out: the least recently used name gives its address to a new one, counted', () => {
    const book = new FakeAddressBook(3);
    const [a, b, c] = ['a.test', 'b.test', 'c.test'].map((n) => book.addressFor(n));
    expect(new Set([a, b, c]).size).toBe(3);
    expect(book.recycled).toBe(0);
    // a.test is used again (a connection to its address): b.test is now the least recently used.
    expect(book.nameFor(a!)).toBe('a.test');
    const d = book.addressFor('d.test');
    expect(d).toBe(b);
    expect(book.recycled).toBe(1);
    expect(book.nameFor(b!)).toBe('d.test');
    expect(book.addressFor('a.test')).toBe(a);
    expect(book.addressFor('e.test')).toBe(c);
    expect(book.recycled).toBe(2);
  });

  it('hands out 150,000 names from the full pool without throwing', () => {
    const book = new FakeAddressBook();
    let last = '';
    for (let i = 0; i < 150_000; i++) last = book.addressFor(`n${i}.flood.test`);
    expect(book.recycled).toBe(150_000 - (2 ** 17 - 2));
    expect(book.nameFor(last)).toBe('n149999.flood.test');
    expect(book.addressFor('n0.flood.test')).not.toBe(book.addressFor('n149999.flood.test'));
  });
});
