#!/bin/sh
# make-ca.sh DIR: a fresh certificate authority for one sandbox run, in DIR (mode 700): ca.key, ca.crt,
# ca.hash (OpenSSL's subject hash, the name of its lookup link in /etc/ssl/certs) and leaf.key, the key
# of every server certificate the fake internet issues from it. Named like a company's TLS-inspection
# proxy root, which developers' machines often trust. Also used by the fake-internet unit tests.
set -eu
tls=$1
mkdir -p "$tls" && chmod 700 "$tls"
openssl ecparam -name prime256v1 -genkey -noout -out "$tls/ca.key" 2>/dev/null
openssl req -x509 -new -key "$tls/ca.key" -sha256 -days 3650 -set_serial "0x$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" \
  -subj "/C=US/O=Northwind Traders/OU=IT Security/CN=Northwind Traders Proxy Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$tls/ca.crt"
openssl x509 -in "$tls/ca.crt" -noout -subject_hash > "$tls/ca.hash"
openssl ecparam -name prime256v1 -genkey -noout -out "$tls/leaf.key" 2>/dev/null
