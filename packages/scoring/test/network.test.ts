import { describe, expect, it } from 'vitest';
import { isEncodedLabel, scoreReport } from '../src/index.js';
import { dns, emptyReport, httpRequest, reportWith, tcp } from './helpers.js';

const rules = (v: ReturnType<typeof scoreReport>) => v.reasons.map((r) => r.rule);

describe('network-egress', () => {
  it('is suspicious alone and lists each destination once', () => {
    const v = scoreReport(
      reportWith({ network: { dns: [dns('collector.test')], tcp: [tcp('collector.test', 443, { protocol: 'tls' })], udp: [] } }),
    );
    expect(rules(v)).toEqual(['network-egress']);
    expect(v.verdict).toBe('suspicious');
    expect(v.score).toBe(25);
    expect(v.reasons[0]!.evidence).toEqual([
      { section: 'network.dns', index: 0, time: v.reasons[0]!.evidence[0]!.time, destination: 'collector.test', detail: 'A query' },
    ]);
    expect(v.reasons[0]!.explanation).toBe('Contacted 1 destination(s) outside the baseline: collector.test.');
  });

  it('does not fire without traffic', () => {
    expect(scoreReport(emptyReport()).reasons).toEqual([]);
  });
});

describe('exfiltration-like-egress', () => {
  it('fires on a POST with a body and on DNS names with hex labels', () => {
    const v = scoreReport(
      reportWith({
        network: {
          dns: [dns('6a6f7264616e2d7468696e6b706164.x.oast.test')],
          tcp: [httpRequest('hook.test', 'POST', '/c', '{"h":"jordan"}')],
          udp: [],
        },
      }),
    );
    expect(rules(v)).toEqual(['exfiltration-like-egress', 'network-egress']);
    expect(v.score).toBe(65);
    expect(v.reasons[0]!.evidence.map((e) => e.section)).toEqual(['network.tcp', 'network.dns']);
  });

  it('does not fire on a GET download or ordinary names', () => {
    const v = scoreReport(
      reportWith({
        network: { dns: [dns('registry.npmjs.org')], tcp: [httpRequest('github.com', 'GET', '/o/r/releases/download/v1/x.tgz')], udp: [] },
      }),
    );
    expect(rules(v)).toEqual(['network-egress']);
  });

  it('classifies DNS labels', () => {
    expect(isEncodedLabel('deadbeefdeadbeefdeadbeef')).toBe(true);
    expect(isEncodedLabel('mfrggzdfmztwq2lknnwg23tpobyxe43u')).toBe(true);
    expect(isEncodedLabel('objects-githubusercontent')).toBe(false);
    expect(isEncodedLabel('www')).toBe(false);
  });
});

describe('reverse-shell.port', () => {
  it('fires on raw TCP to 4444', () => {
    const v = scoreReport(reportWith({ network: { dns: [], tcp: [tcp(null, 4444, { protocol: 'none' })], udp: [] } }));
    expect(rules(v)).toEqual(['reverse-shell.port', 'network-egress']);
    expect(v.reasons[0]!.evidence[0]).toMatchObject({ section: 'network.tcp', index: 0, destination: '198.18.0.1:4444' });
    expect(v.score).toBe(75);
    expect(v.verdict).toBe('malicious');
  });

  it('does not fire on HTTP to 4444', () => {
    const v = scoreReport(reportWith({ network: { dns: [], tcp: [tcp('dev.test', 4444, { protocol: 'http' })], udp: [] } }));
    expect(rules(v)).toEqual(['network-egress']);
  });
});

describe('mining.pool', () => {
  it('fires on pool names, pool ports and stratum logins', () => {
    const stratum = Buffer.from('{"id":1,"method":"login","params":{"login":"4A"}}').toString('base64');
    const v = scoreReport(
      reportWith({
        network: { dns: [dns('pool.supportxmr.com')], tcp: [tcp(null, 3333), tcp(null, 8080, { firstBytes: stratum })], udp: [] },
      }),
    );
    const pool = v.reasons.find((r) => r.rule === 'mining.pool')!;
    expect(pool.tactic).toBe('resource-hijacking');
    expect(pool.evidence.map((e) => [e.section, e.index, e.detail])).toEqual([
      ['network.dns', 0, 'A query'],
      ['network.tcp', 0, 'unknown'],
      ['network.tcp', 1, 'stratum login'],
    ]);
    expect(v.verdict).toBe('malicious');
  });

  it('does not fire on NTP pools or ordinary ports', () => {
    const v = scoreReport(
      reportWith({ network: { dns: [dns('0.debian.pool.ntp.org')], tcp: [tcp('api.test', 443, { protocol: 'tls' })], udp: [] } }),
    );
    expect(rules(v)).toEqual(['network-egress']);
  });
});

describe('self-propagation.github-api', () => {
  it('fires on api.github.com with an Authorization header', () => {
    const v = scoreReport(
      reportWith({
        network: {
          dns: [],
          tcp: [
            httpRequest('api.github.com', 'POST', '/user/repos', '{"name":"s1ngularity-repository"}', [['Authorization', 'token ghp_x']]),
          ],
          udp: [],
        },
      }),
    );
    expect(rules(v)).toEqual(['self-propagation.github-api', 'exfiltration-like-egress', 'network-egress']);
    expect(v.score).toBe(100);
    expect(v.verdict).toBe('malicious');
  });

  it('does not fire on an anonymous GET, nor on reading release metadata with a token (rate limits)', () => {
    const v = scoreReport(
      reportWith({ network: { dns: [], tcp: [httpRequest('api.github.com', 'GET', '/repos/o/r/releases/latest')], udp: [] } }),
    );
    expect(rules(v)).toEqual(['network-egress']);
    const withToken = scoreReport(
      reportWith({
        network: {
          dns: [],
          tcp: [httpRequest('api.github.com', 'GET', '/repos/o/r/releases/latest', '', [['Authorization', 'token ghp_x']])],
          udp: [],
        },
      }),
    );
    expect(rules(withToken)).toEqual(['network-egress']);
  });

  it("fires on looking up the token's owner (GET /user), as a worm checks a stolen token", () => {
    const v = scoreReport(
      reportWith({
        network: { dns: [], tcp: [httpRequest('api.github.com', 'GET', '/user', '', [['Authorization', 'token ghp_x']])], udp: [] },
      }),
    );
    expect(rules(v)).toContain('self-propagation.github-api');
  });
});

describe('exfiltration.collector', () => {
  it('fires on out-of-band collectors (pipedream, interact.sh, burpcollaborator, webhook.site), with egress malicious', () => {
    const v = scoreReport(
      reportWith({
        network: { dns: [dns('en5s2jhqu605re3.m.pipedream.net')], tcp: [tcp('webhook.site', 443, { protocol: 'tls' })], udp: [] },
      }),
    );
    expect(rules(v)).toEqual(['exfiltration.collector', 'network-egress']);
    expect(v.reasons[0]).toMatchObject({ weight: 45, tactic: 'exfiltration' });
    expect(v.reasons[0]!.evidence.map((e) => [e.section, e.destination])).toEqual([
      ['network.dns', 'en5s2jhqu605re3.m.pipedream.net'],
      ['network.tcp', 'webhook.site:443'],
    ]);
    expect(v.verdict).toBe('malicious');
  });

  it('is never subtracted by the baseline, and ignores look-alike names', () => {
    const collector = scoreReport(reportWith({ network: { dns: [dns('abc.oast.fun')], tcp: [], udp: [] } }), {
      baseline: { writtenPaths: [], programs: [], hosts: ['abc.oast.fun'] },
    });
    expect(rules(collector)).toEqual(['exfiltration.collector']);
    const lookalike = scoreReport(
      reportWith({ network: { dns: [dns('notpipedream.net.example.org'), dns('mywebhook.site.test')], tcp: [], udp: [] } }),
    );
    expect(rules(lookalike)).toEqual(['network-egress']);
  });
});

describe('chat webhooks as collectors', () => {
  it('fires on a POST to a Discord webhook or the Telegram bot API, malicious with the egress', () => {
    const v = scoreReport(
      reportWith({
        network: {
          dns: [],
          tcp: [
            httpRequest('discord.com', 'POST', '/api/webhooks/1234/abcd', '{"content":"x"}'),
            httpRequest('api.telegram.org', 'POST', '/bot123:AA/sendDocument'),
          ],
          udp: [],
        },
      }),
    );
    expect(rules(v)).toContain('exfiltration.collector');
    expect(v.reasons[0]!.evidence.map((e) => e.detail)).toEqual(['POST /api/webhooks/1234/abcd', 'POST /bot123:AA/sendDocument']);
    expect(v.verdict).toBe('malicious');
  });

  it('does not fire when the bot token or webhook is the argument the call view handed the package, and does for its own', () => {
    const token = '7356021982:AAHk3p9dC2x7Qm1VwLs0ZrTq8YbN4fEuJgX';
    const requests = (...tcp: ReturnType<typeof httpRequest>[]) => {
      const report = reportWith({ network: { dns: [], tcp, udp: [] } });
      report.honeytokens.planted.push({ id: 'c1', kind: 'call-argument', value: token, files: [], envVars: [] });
      return rules(scoreReport(report));
    };
    // A bot client told Bot(token).getMe(): the token it was given is its credential.
    expect(requests(httpRequest('api.telegram.org', 'POST', `/bot${token}/getMe`))).not.toContain('exfiltration.collector');
    expect(requests(httpRequest('discord.com', 'POST', `/api/webhooks/${encodeURIComponent(token)}`, '{}'))).not.toContain(
      'exfiltration.collector',
    );
    // A stealer posts the argument through a bot of its own.
    expect(requests(httpRequest('api.telegram.org', 'POST', `/bot123:AA/sendMessage?text=${token}`))).toContain('exfiltration.collector');
  });

  it('does not fire on the same hosts without a webhook or bot path', () => {
    const v = scoreReport(
      reportWith({
        network: {
          dns: [],
          tcp: [httpRequest('discord.com', 'GET', '/api/v10/gateway'), httpRequest('api.telegram.org', 'GET', '/')],
          udp: [],
        },
      }),
    );
    expect(rules(v)).toEqual(['network-egress']);
  });
});

describe('download.file-sharing', () => {
  it('fires on a download from a Discord attachment, a Google Drive link or a raw paste; malicious with the egress', () => {
    for (const [host, target] of [
      ['cdn.discordapp.com', '/attachments/1/2/stub.exe'],
      ['drive.usercontent.google.com', '/download?id=abc&export=download'],
      ['drive.google.com', '/uc?export=download&id=abc'],
      ['pastebin.com', '/raw/xYz123'],
      ['transfer.sh', '/get/abc/p.py'],
    ] as const) {
      const v = scoreReport(reportWith({ network: { dns: [], tcp: [httpRequest(host, 'GET', target)], udp: [] } }));
      expect(rules(v), host).toEqual(['download.file-sharing', 'network-egress']);
      expect(v.reasons[0]!.evidence[0]).toMatchObject({ section: 'network.tcp', destination: host, detail: `GET ${target}` });
      expect(v.verdict, host).toBe('malicious');
    }
  });

  it("does not fire on a project's release hosts or on other pages of the same services", () => {
    const v = scoreReport(
      reportWith({
        network: {
          dns: [],
          tcp: [
            httpRequest('github.com', 'GET', '/owner/tool/releases/download/v1.0.0/tool-linux-x64.tar.gz'),
            httpRequest('pastebin.com', 'GET', '/'),
            httpRequest('drive.google.com', 'GET', '/drive/folders/abc'),
            httpRequest('cdn.discordapp.com', 'GET', '/avatars/1/2.png'),
          ],
          udp: [],
        },
      }),
    );
    expect(rules(v)).toEqual(['network-egress']);
  });
});
