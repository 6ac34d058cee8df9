/**
 * Parses `conntrack -L` output to find where a redirected connection was really going: the first
 * `src= dst= sport= dport=` tuple of an entry is the original direction, as the client sent it.
 */
export function originalDestination(
  output: string,
  protocol: 'tcp' | 'udp',
  clientPort: number,
): { address: string; port: number } | null {
  for (const line of output.split('\n')) {
    if (!line.startsWith(protocol)) continue;
    const tuple = /src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)/.exec(line);
    if (tuple && Number(tuple[3]) === clientPort) return { address: tuple[2]!, port: Number(tuple[4]) };
  }
  return null;
}
