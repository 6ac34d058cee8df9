/**
 * Decodes strace's rendering of `struct sockaddr`:
 *   {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")}
 *   {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}
 *   {sa_family=AF_UNIX, sun_path="/run/x.sock"}   {sa_family=AF_UNIX, sun_path=@"abstract"}
 * Other families (AF_NETLINK, AF_PACKET, ...) are kept as raw text.
 */
import type { SocketAddress } from './events.js';
import { type ArgValue, atomText, field, parseIntPrefix, parseValue, stringText } from './values.js';

/** Parses a sockaddr argument's text; null for NULL, pointers or unreadable input. */
export function parseSocketAddress(text: string | null | undefined): SocketAddress | null {
  if (!text) return null;
  return socketAddressFromValue(parseValue(text));
}

export function socketAddressFromValue(value: ArgValue | undefined): SocketAddress | null {
  if (!value || value.kind !== 'struct') return null;
  const family = atomText(field(value, 'sa_family'));
  if (family === null) return null;
  switch (family) {
    case 'AF_INET': {
      const address = callString(field(value, 'sin_addr'), 0);
      const port = portOf(field(value, 'sin_port'));
      return address !== null && port !== null ? { family, address, port } : other(family, value);
    }
    case 'AF_INET6': {
      const pton = value.fields.find((f) => f.name === null && f.value.kind === 'call' && f.value.name === 'inet_pton');
      const address = callString(pton?.value ?? field(value, 'sin6_addr'), 1);
      const port = portOf(field(value, 'sin6_port'));
      return address !== null && port !== null ? { family, address, port } : other(family, value);
    }
    case 'AF_UNIX': {
      const sunPath = field(value, 'sun_path');
      const path = stringText(sunPath) ?? '';
      return { family, path, abstract: sunPath?.kind === 'string' && sunPath.abstract };
    }
    default:
      return other(family, value);
  }
}

function other(name: string, value: ArgValue): SocketAddress {
  return { family: 'other', name, raw: renderValue(value) };
}

/** The string argument at `index` of a call like inet_addr("1.2.3.4"), or a bare string. */
function callString(value: ArgValue | undefined, index: number): string | null {
  if (!value) return null;
  if (value.kind === 'string') return stringText(value);
  if (value.kind === 'call') return stringText(value.args[index] ?? value.args[0]);
  return null;
}

function portOf(value: ArgValue | undefined): number | null {
  if (!value) return null;
  if (value.kind === 'call') return parseIntPrefix(atomText(value.args[0]));
  return parseIntPrefix(atomText(value));
}

/** Compact text form of a parsed value, for raw fields. */
export function renderValue(value: ArgValue): string {
  switch (value.kind) {
    case 'atom':
      return value.text;
    case 'string':
      return `${value.abstract ? '@' : ''}"${value.body}"${value.truncated ? '...' : ''}`;
    case 'array':
      return `[${value.items.map(renderValue).join(', ')}${value.truncated ? ', ...' : ''}]`;
    case 'struct':
      return `{${value.fields.map((f) => (f.name === null ? '' : `${f.name}=`) + renderValue(f.value)).join(', ')}}`;
    case 'call':
      return `${value.name}(${value.args.map(renderValue).join(', ')})`;
  }
}
