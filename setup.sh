#!/usr/bin/env bash
# flopmeter's setup on a Debian or Ubuntu machine with Node.js >= 20:
#   1. the system packages it uses (as root, or through sudo when it needs no password):
#      - libopenblas0-pthread: the system BLAS that the CPU gemm probe calls (without it, GEMM
#        falls back to flopmeter's own WebAssembly kernel);
#      - libopenblas-dev, gcc, libc6-dev: the C references of `npm run bench:cpu` and the
#        C test fixtures that fake vendor libraries at the C ABI;
#   2. the npm packages, exactly as package-lock.json pins them;
#   3. the build (TypeScript, and the WebAssembly kernels).
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

packages=(libopenblas0-pthread libopenblas-dev gcc libc6-dev)

missing=()
if command -v dpkg >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo); else as_root=(none); fi
  if [ "${as_root[*]}" = none ]; then
    echo "setup: not root and no password-less sudo: skipping system packages (${missing[*]})." >&2
    echo "setup: GEMM on the CPU will use flopmeter's WebAssembly kernel instead of OpenBLAS." >&2
  else
    echo "setup: installing ${missing[*]} ..." >&2
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

echo "setup: installing npm packages ..." >&2
npm ci --no-audit --no-fund --loglevel=error
echo "setup: building ..." >&2
npm run build --silent
echo "setup: done. Run 'npm start' for the standard suite, 'npm test' for the tests." >&2
