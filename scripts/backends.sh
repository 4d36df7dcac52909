#!/usr/bin/env bash
# Installs (if missing) and starts the real backends the tests need, then prints the environment
# variables that point the tests at them. Sourced by scripts/test.sh; usable by hand:
#   source scripts/backends.sh && mvn verify
# Backends started here: dnsmasq on 127.0.0.1:15353 (zone svc.test, live A records through a hostsdir).
# ZooKeeper (Curator TestingServer) and HTTP servers (MockWebServer) run inside the tests themselves.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.backends"
mkdir -p "$state/dns-hosts"

install_dnsmasq() {
  if command -v dnsmasq >/dev/null 2>&1; then
    return
  fi
  echo "backends: installing dnsmasq-base (Debian package)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "backends: need root to apt-get install dnsmasq-base" >&2
    return 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsmasq-base >/dev/null
}

start_dnsmasq() {
  if [ -f "$state/dnsmasq.pid" ] && kill -0 "$(cat "$state/dnsmasq.pid")" 2>/dev/null; then
    kill "$(cat "$state/dnsmasq.pid")" 2>/dev/null || true
    sleep 0.2
  fi
  : > "$state/dns-hosts/hosts"
  cat > "$state/dnsmasq.conf" <<CONF
port=15353
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
no-daemon
user=root
local=/svc.test/
hostsdir=$state/dns-hosts
host-record=inst1.svc.test,127.0.0.11
host-record=inst2.svc.test,127.0.0.12
host-record=inst3.svc.test,127.0.0.13
srv-host=_http._tcp.orders.svc.test,inst1.svc.test,8081,0,10
srv-host=_http._tcp.orders.svc.test,inst2.svc.test,8082,0,30
srv-host=_http._tcp.orders.svc.test,inst3.svc.test,8083,1,10
CONF
  dnsmasq --conf-file="$state/dnsmasq.conf" --pid-file="$state/dnsmasq.pid" >"$state/dnsmasq.log" 2>&1 &
  echo $! > "$state/dnsmasq.pid"
  # dnsmasq also serves TCP on its port: a TCP connect proves it is listening (a UDP "connect" proves nothing).
  ready=false
  for _ in $(seq 1 50); do
    if kill -0 "$(cat "$state/dnsmasq.pid")" 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/15353) 2>/dev/null; then
      ready=true
      break
    fi
    sleep 0.1
  done
  if [ "$ready" != true ]; then
    echo "backends: dnsmasq did not start:" >&2
    cat "$state/dnsmasq.log" >&2
    return 1
  fi
  echo "backends: dnsmasq on 127.0.0.1:15353 (pid $(cat "$state/dnsmasq.pid"), hostsdir $state/dns-hosts)"
}

stop_backends() {
  if [ -f "$state/dnsmasq.pid" ]; then
    kill "$(cat "$state/dnsmasq.pid")" 2>/dev/null || true
    rm -f "$state/dnsmasq.pid"
  fi
}

install_dnsmasq
start_dnsmasq
export LB4J_DNS_SERVER=127.0.0.1:15353
export LB4J_DNS_HOSTSDIR="$state/dns-hosts"
export LB4J_DNSMASQ_PIDFILE="$state/dnsmasq.pid"
export LB4J_DNSMASQ_CONF="$state/dnsmasq.conf"
