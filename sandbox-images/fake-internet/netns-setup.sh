#!/bin/sh
# Runs as root with NET_ADMIN in the fake-internet container, which owns the sandbox's network namespace
# (created by the engine with `--network none`, so it has no link to any other network). Gives the
# namespace a default route that leads nowhere, redirects every TCP and UDP flow that is not for
# loopback to the fake internet, drops everything else, then starts the service. The analysed container
# joins this namespace without capabilities, so it cannot change any of this.
set -eu
ip link set lo up
ip link add veth-air type veth peer name veth-sink
ip addr add 10.213.0.2/24 dev veth-air
ip link set veth-air up
ip link set veth-sink up
ip route add default via 10.213.0.1 dev veth-air onlink

# DNS to any address (a hard-coded 8.8.8.8, or a loopback resolver) goes to the fake DNS.
iptables -t nat -A OUTPUT -p udp --dport 53 -j REDIRECT --to-ports 53
iptables -t nat -A OUTPUT -p tcp --dport 53 -j REDIRECT --to-ports 53
iptables -t nat -A OUTPUT -d 127.0.0.0/8 -j RETURN
iptables -t nat -A OUTPUT -p tcp -j REDIRECT --to-ports "${AIRLOCK_TCP_PORT:-15001}"
iptables -t nat -A OUTPUT -p udp -j REDIRECT --to-ports "${AIRLOCK_UDP_PORT:-15002}"
# Only loopback and redirected flows may pass; the rest (ICMP, raw sockets) is dropped. The services
# listen on 127.0.0.1, so their answers match the redirected flows and are never redirected again.
iptables -P FORWARD DROP
iptables -A OUTPUT -o lo -j ACCEPT
iptables -A OUTPUT -m conntrack --ctstate DNAT -j ACCEPT
iptables -A OUTPUT -j DROP

mkdir -p /var/log/airlock
: > /var/log/airlock/network.jsonl

# This run's own certificate authority (fresh keys every run, never reused): the host adds ca.crt to the
# analysis container's trust store, and the service issues a certificate for each name a client asks
# for, so HTTPS requests are decrypted and recorded. The keys stay in this container.
sh /opt/fake-internet/make-ca.sh /run/airlock/tls

exec node /opt/fake-internet/dist/main.js
