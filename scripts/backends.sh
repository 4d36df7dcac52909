#!/usr/bin/env bash
# Installs (if missing) and starts the real backends the tests need, then prints the environment
# variables that point the tests at them. Sourced by scripts/test.sh; usable by hand:
#   source scripts/backends.sh && mvn verify
# Backends started here: dnsmasq on 127.0.0.1:15353 (zone svc.test, live A records through a hostsdir);
# etcd on 127.0.0.1:23790 (clients; peers on 23800), Debian's etcd-server, with a fresh data dir.
# ZooKeeper (Curator TestingServer) and HTTP servers (MockWebServer) run inside the tests themselves; the
# etcd tests that stop and restart etcd start their own from the same binary (LB4J_ETCD_BINARY).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.backends"
mkdir -p "$state/dns-hosts"

apt_updated=false

# apt-get install, after one apt-get update per run of this script.
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "backends: need root to apt-get install $*" >&2
    return 1
  fi
  if [ "$apt_updated" != true ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

install_dnsmasq() {
  if command -v dnsmasq >/dev/null 2>&1; then
    return
  fi
  echo "backends: installing dnsmasq-base (Debian package)"
  apt_install dnsmasq-base
}

install_etcd() {
  if command -v etcd >/dev/null 2>&1; then
    return
  fi
  echo "backends: installing etcd-server (Debian package)"
  # The package starts a system etcd on 2379/2380 when it can. The tests run their own, so forbid that
  # start for the install (policy-rc.d exit 101), unless a policy is already in place (as in containers).
  local policy=/usr/sbin/policy-rc.d added=false
  if [ "$(id -u)" -eq 0 ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Written by loadbalancer4j scripts/backends.sh while installing etcd-server.\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    added=true
  fi
  local status=0
  apt_install etcd-server || status=$?
  if [ "$added" = true ]; then
    rm -f "$policy"
  fi
  # A service that started anyway (or whose failed start failed the package's configuration) must
  # neither hold 2379/2380 nor fail the run: only the binary is needed.
  if [ -x /etc/init.d/etcd ]; then
    /etc/init.d/etcd stop >/dev/null 2>&1 || true
  fi
  if ! command -v etcd >/dev/null 2>&1; then
    echo "backends: installing etcd-server failed (apt-get exit $status)" >&2
    return 1
  fi
}

# await_ready NAME PIDFILE LOG CHECK...: waits up to 10 s for the process to be alive and CHECK to pass;
# otherwise prints the process's log and fails.
await_ready() {
  local name=$1 pidfile=$2 log=$3
  shift 3
  for _ in $(seq 1 100); do
    if kill -0 "$(cat "$pidfile")" 2>/dev/null && "$@"; then
      return 0
    fi
    sleep 0.1
  done
  echo "backends: $name did not start:" >&2
  cat "$log" >&2
  return 1
}

# dnsmasq also serves TCP on its port: a TCP connect proves it is listening (a UDP "connect" proves nothing).
dnsmasq_listening() {
  (exec 3<>/dev/tcp/127.0.0.1/15353) 2>/dev/null
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
  await_ready dnsmasq "$state/dnsmasq.pid" "$state/dnsmasq.log" dnsmasq_listening
  echo "backends: dnsmasq on 127.0.0.1:15353 (pid $(cat "$state/dnsmasq.pid"), hostsdir $state/dns-hosts)"
}

# etcd answers GET /health on its client port with {"health":"true"} once it has a leader.
etcd_healthy() {
  local reply
  reply=$(timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/23790 && printf "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 && cat <&3' 2>/dev/null) || return 1
  [[ "$reply" == *'"health":"true"'* ]]
}

stop_etcd() {
  if [ -f "$state/etcd.pid" ]; then
    local pid
    pid="$(cat "$state/etcd.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    rm -f "$state/etcd.pid"
  fi
}

start_etcd() {
  stop_etcd
  rm -rf "$state/etcd-data"
  # A heartbeat of 10 ms and an election timeout of 50 ms: the single member is leader at once, and
  # etcd's shortest lease (derived from the election timeout) is 1 s, so lease-expiry tests are quick.
  etcd --name lb4j --data-dir "$state/etcd-data" \
    --listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
    --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
    --initial-cluster lb4j=http://127.0.0.1:23800 \
    --heartbeat-interval 10 --election-timeout 50 \
    --logger zap --log-level warn >"$state/etcd.log" 2>&1 &
  echo $! > "$state/etcd.pid"
  await_ready etcd "$state/etcd.pid" "$state/etcd.log" etcd_healthy
  echo "backends: etcd on 127.0.0.1:23790 (pid $(cat "$state/etcd.pid"), data $state/etcd-data)"
}

stop_backends() {
  if [ -f "$state/dnsmasq.pid" ]; then
    kill "$(cat "$state/dnsmasq.pid")" 2>/dev/null || true
    rm -f "$state/dnsmasq.pid"
  fi
  stop_etcd
}

install_dnsmasq
start_dnsmasq
export LB4J_DNS_SERVER=127.0.0.1:15353
export LB4J_DNS_HOSTSDIR="$state/dns-hosts"
export LB4J_DNSMASQ_PIDFILE="$state/dnsmasq.pid"
export LB4J_DNSMASQ_CONF="$state/dnsmasq.conf"

install_etcd
start_etcd
export LB4J_ETCD_ENDPOINT=http://127.0.0.1:23790
LB4J_ETCD_BINARY="$(command -v etcd)"
export LB4J_ETCD_BINARY
