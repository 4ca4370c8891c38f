#!/usr/bin/env bash
# flopmeter's setup on a Debian or Ubuntu machine with Node.js >= 20:
#   1. the system packages it uses (as root, or through sudo when it needs no password):
#      - libopenblas0-pthread: the system BLAS that the CPU gemm probe calls (without it, GEMM
#        falls back to flopmeter's own WebAssembly kernel);
#      - libopenblas-dev, gcc, libc6-dev: the native CPU kernels (kernels/cpu-native, compiled by
#        the build for this host's vector ISA; without gcc the CPU backend runs its WebAssembly
#        kernels), the C references of `npm run bench:cpu` and the C test fixtures that fake
#        vendor libraries at the C ABI;
#      - mesa-vulkan-drivers, libvulkan1: Mesa's software Vulkan driver (lavapipe), so that the
#        WebGPU backend has an adapter on a machine without a GPU. Dawn needs Mesa >= 23; on
#        Debian bookworm that comes from bookworm-backports (bookworm's own is 22.3), whose
#        suite this script adds to the existing Debian sources entry;
#      - prometheus (with promtool), prometheus-pushgateway, prometheus-node-exporter, openssl:
#        the exporter's tests lint its exposition with promtool, start their own Prometheus and
#        Pushgateway on loopback ports, and serve over TLS with a certificate openssl makes;
#        `npm run bench:exporter` loads node-exporter as its reference. The packages' system
#        services are not started by this script (a policy-rc.d is held while they install);
#        the tests and the benchmark start their own instances and stop them afterwards;
#      - chromium, fonts-liberation: the tests open the HTML reports in headless Chromium
#        (through playwright-core, which downloads no browser of its own);
#      - systemd: `systemd-analyze verify` checks deploy/flopmeter.service in the tests (a slim
#        container image may lack it; nothing here starts or enables a service);
#   2. the npm packages, exactly as package-lock.json pins them;
#   3. the build (TypeScript, the WebAssembly kernels, and the native CPU kernels cached
#      under dist/native/ by this processor's ISA flags and their sources).
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

if [ "$(id -u)" -eq 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo); else as_root=(); no_root=1; fi
apt() { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
version_of() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")

# Adds bookworm-backports to the Debian sources (deb822 entry or a one-line list) if it is not there.
ensure_backports() {
  if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then return 0; fi
  local deb822=/etc/apt/sources.list.d/debian.sources
  if [ -f "$deb822" ] && grep -qE '^Suites:.*\bbookworm\b' "$deb822"; then
    "${as_root[@]}" sed -i -E '0,/^Suites:(.*\bbookworm\b.*)$/s//Suites:\1 bookworm-backports/' "$deb822"
  else
    local mirror
    mirror=$(grep -hE '^deb .*\bbookworm\b' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -n1)
    echo "deb ${mirror:-http://deb.debian.org/debian} bookworm-backports main" | "${as_root[@]}" tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
  fi
}

if command -v apt-get >/dev/null 2>&1 && [ -z "${no_root:-}" ]; then
  missing=()
  for p in libopenblas0-pthread libopenblas-dev gcc libc6-dev libvulkan1 \
           prometheus prometheus-pushgateway prometheus-node-exporter openssl chromium fonts-liberation systemd; do
    installed "$p" || missing+=("$p")
  done
  mesa=$(version_of mesa-vulkan-drivers)
  need_mesa=0
  if [ -z "$mesa" ] || dpkg --compare-versions "$mesa" lt 23; then need_mesa=1; fi
  if [ ${#missing[@]} -gt 0 ] || [ $need_mesa = 1 ]; then
    [ $need_mesa = 1 ] && [ "$codename" = bookworm ] && ensure_backports
    echo "setup: installing ${missing[*]}$([ $need_mesa = 1 ] && echo ' mesa-vulkan-drivers (>= 23)') ..." >&2
    apt update -qq
    if [ ${#missing[@]} -gt 0 ]; then
      # Keep the Prometheus packages from starting their daemons (on :9090, :9091, :9100) as services.
      held_policy=0
      if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee /usr/sbin/policy-rc.d >/dev/null
        "${as_root[@]}" chmod +x /usr/sbin/policy-rc.d
        held_policy=1
      fi
      status=0
      apt install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
      if [ $held_policy = 1 ]; then "${as_root[@]}" rm -f /usr/sbin/policy-rc.d; fi
      [ $status = 0 ] || exit $status
    fi
    if [ $need_mesa = 1 ]; then
      target=()
      [ "$codename" = bookworm ] && target=(-t bookworm-backports)
      apt install -y -qq --no-install-recommends "${target[@]}" mesa-vulkan-drivers >/dev/null
    fi
  fi
else
  echo "setup: not root and no password-less sudo (or no apt-get): skipping system packages." >&2
  echo "setup: GEMM on the CPU will use flopmeter's WebAssembly kernel; WebGPU needs a Vulkan driver." >&2
fi

echo "setup: installing npm packages ..." >&2
npm ci --no-audit --no-fund --loglevel=error
echo "setup: building ..." >&2
npm run build --silent
echo "setup: done. Run 'npm start' for the standard suite, 'npm test' for the tests." >&2
