#!/usr/bin/env bash
# Release builds of socklab for the students' systems, from one script:
#   Linux x86_64, Windows x86_64 (GNU and MSVC), macOS (Intel and Apple silicon).
# Each target is built where this host has its toolchain (Linux here; Windows-GNU
# with mingw-w64's linker; MSVC on a Windows host; macOS on a macOS host), and
# otherwise only checked (`cargo check --release`), which the summary says.
#   scripts/release.sh            all five targets, archives in dist/
#   scripts/release.sh TARGET...  only these
# Each built target becomes dist/socklab-VERSION-TARGET.tar.gz (.zip for
# Windows) holding the binary and README.md; dist/SHA256SUMS lists them.
# Exits non-zero when a target can be neither built nor checked.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-unknown-linux-gnu x86_64-pc-windows-gnu x86_64-pc-windows-msvc
  x86_64-apple-darwin aarch64-apple-darwin)
host_os=$(uname -s)

# Why this host cannot link TARGET (empty when it can).
cannot_link() {
  case "$1" in
    *-linux-gnu) [ "$host_os" = Linux ] || echo "not a Linux host" ;;
    *-windows-gnu) command -v x86_64-w64-mingw32-gcc >/dev/null || echo "no mingw-w64 linker (apt-get install gcc-mingw-w64-x86-64)" ;;
    *-windows-msvc) case "$host_os" in MINGW* | MSYS* | CYGWIN*) ;; *) echo "the MSVC linker and Windows SDK exist only on Windows" ;; esac ;;
    *-apple-darwin) [ "$host_os" = Darwin ] || echo "the macOS SDK and linker exist only on macOS" ;;
    *) echo "unknown target" ;;
  esac
}

# Packs the built binary of TARGET into dist/.
pack() {
  local t="$1" name="socklab-$version-$1" exe=socklab
  [[ "$t" == *windows* ]] && exe=socklab.exe
  local stage="dist/$name"
  rm -rf "$stage"
  mkdir -p "$stage"
  cp "target/$t/release/$exe" README.md "$stage/"
  if [[ "$t" == *windows* ]]; then
    (cd dist && python3 - "$name" <<'EOF'
import os, sys, zipfile
name = sys.argv[1]
with zipfile.ZipFile(name + ".zip", "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(os.listdir(name)):
        z.write(os.path.join(name, f), name + "/" + f)
EOF
    )
    echo "dist/$name.zip"
  else
    tar -C dist -czf "dist/$name.tar.gz" "$name"
    echo "dist/$name.tar.gz"
  fi
  rm -rf "$stage"
}

mkdir -p dist
built=()
checked=()
failed=()
for t in "${targets[@]}"; do
  if ! rustup target list --installed | grep -qx "$t" && ! rustup target add "$t"; then
    failed+=("$t (rustup could not add its standard library)")
    continue
  fi
  why=$(cannot_link "$t")
  if [ -z "$why" ]; then
    echo "release: building $t"
    if CARGO_PROFILE_RELEASE_STRIP=debuginfo cargo build --release --locked --quiet --target "$t"; then
      built+=("$t: $(pack "$t")")
    else
      failed+=("$t (the build failed; errors above)")
    fi
  else
    echo "release: checking $t ($why)"
    if cargo check --release --locked --quiet --target "$t"; then
      checked+=("$t: $why")
    else
      failed+=("$t (cargo check failed; errors above)")
    fi
  fi
done

(cd dist && sha256sum socklab-"$version"-* 2>/dev/null >SHA256SUMS) || true
echo
echo "release $version:"
for b in "${built[@]}"; do echo "  built         $b"; done
for c in "${checked[@]}"; do echo "  checked only  $c"; done
for f in "${failed[@]}"; do echo "  FAILED        $f"; done
[ ${#failed[@]} -eq 0 ]
