/**
 * Parses `conntrack -L` output to find where a redirected flow was really going: the first
 * `src= dst= sport= dport=` tuple of an entry is the original direction, as the client sent it; the
 * second is the reply direction, whose source port is the service the flow was redirected to. Both
 * ports are matched: one client socket can send to several destinations (one entry each).
 */
export function originalDestination(
  output: string,
  protocol: 'tcp' | 'udp',
  clientPort: number,
  servicePort: number,
): { address: string; port: number } | null {
  const tuple = /src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)/g;
  for (const line of output.split('\n')) {
    if (!line.startsWith(protocol)) continue;
    const [original, reply] = [...line.matchAll(tuple)];
    if (original && reply && Number(original[3]) === clientPort && Number(reply[3]) === servicePort) {
      return { address: original[2]!, port: Number(original[4]) };
    }
  }
  return null;
}
