#!/usr/bin/env bash
# Prepares a Debian 12 machine (as root, offline except for Debian's mirrors and the npm
# registry) to run the project's VS Code integration tests: Debian packages, then
# code-server (VS Code's workbench and extension host on Node) in a cache folder outside
# the repository. Safe to run again and again: finished work is detected and skipped.
set -euo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
code_server_version="$(tr -d '[:space:]' < "$repo_dir/.ci/code-server.version")"
cache_dir="${ZMQI_CACHE:-$HOME/.cache/zeromq-inspector}"
install_dir="$cache_dir/code-server"
marker="$install_dir/.installed-version"
vscode_dir="$install_dir/node_modules/code-server/lib/vscode"
debian_packages=(chromium libkrb5-dev ripgrep tcpdump tshark)

log_file="$cache_dir/setup.log"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# Keeps the console to progress lines: tool output goes to the log, and is shown when a step fails.
logged() {
  printf '\n== %s\n' "$*" >> "$log_file"
  "$@" >> "$log_file" 2>&1 </dev/null && return 0
  local status=$?
  printf '[setup] "%s" failed (exit %s); last lines of %s:\n' "$*" "$status" "$log_file" >&2
  tail -n 40 "$log_file" >&2
  return "$status"
}

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "'$*' needs root; run this script as root or install sudo."
  fi
}

package_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# Another apt run may hold the dpkg lock (a colleague's install, unattended upgrades):
# wait for it instead of failing.
apt_get() {
  logged as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -y -q "$@"
}

apt_lists_fresh() {
  # Lists younger than a day are fresh enough to resolve and download packages.
  [[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit 2>/dev/null)" ]]
}

install_debian_packages() {
  command -v dpkg-query >/dev/null || die "this script expects Debian 12 (dpkg-query not found)."
  local missing=()
  for package in "${debian_packages[@]}"; do package_installed "$package" || missing+=("$package"); done
  if [[ ${#missing[@]} -eq 0 ]]; then say "Debian packages present: ${debian_packages[*]}"; return; fi

  say "installing Debian packages: ${missing[*]}"
  # tshark asks whether non-root users may capture; answer it so the install never prompts.
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | as_root debconf-set-selections
  # A previous install that was cut short leaves packages half-configured; finish it first.
  if [[ -n "$(as_root dpkg --audit 2>/dev/null)" ]]; then logged as_root dpkg --configure -a || true; fi
  if ! apt_lists_fresh; then say "apt-get update (package lists missing or older than a day)"; apt_get update; fi
  if ! apt_get install --no-install-recommends "${missing[@]}"; then
    say "apt-get install failed; refreshing package lists and trying once more"
    apt_get update
    apt_get install --no-install-recommends "${missing[@]}"
  fi
}

code_server_complete() {
  [[ -f "$marker" && "$(cat "$marker")" == "$code_server_version" ]] &&
    [[ -f "$install_dir/node_modules/code-server/out/node/entry.js" ]] &&
    [[ -f "$vscode_dir/node_modules/node-pty/build/Release/pty.node" ]] &&
    [[ -e "$vscode_dir/node_modules.asar" && -x "$vscode_dir/node_modules/@vscode/ripgrep/bin/rg" ]]
}

install_code_server() {
  if code_server_complete; then say "code-server $code_server_version ready in $install_dir"; return; fi
  if [[ -f "$marker" && "$(cat "$marker")" != "$code_server_version" ]]; then
    say "replacing code-server $(cat "$marker") with $code_server_version"
    rm -rf "$install_dir"
  fi
  mkdir -p "$install_dir"
  rm -f "$marker"
  cd "$install_dir"
  [[ -f package.json ]] || echo '{ "private": true, "description": "code-server for zeromq-inspector tests" }' > package.json

  # code-server's own install scripts download things and prompt; do their work step by step.
  local npm_quiet=(--no-audit --no-fund --loglevel=error)
  say "npm install code-server@$code_server_version (scripts off)"
  logged npm install "code-server@$code_server_version" --ignore-scripts "${npm_quiet[@]}"
  say "building argon2"
  logged npm rebuild argon2 "${npm_quiet[@]}"

  cd "$vscode_dir"
  say "installing VS Code's runtime modules"
  logged npm install --omit=dev --ignore-scripts "${npm_quiet[@]}"
  say "building VS Code's native modules"
  logged timeout 1800 npm rebuild @parcel/watcher @vscode/spdlog native-watchdog kerberos "${npm_quiet[@]}"
  # node-pty's post-install step ends at an npx prompt after its binary is built, so its exit
  # code says nothing; the binary's presence (checked below) does.
  timeout 1800 npm rebuild node-pty "${npm_quiet[@]}" >> "$log_file" 2>&1 </dev/null || true
  local binary
  for binary in node_modules/node-pty/build/Release/pty.node node_modules/@vscode/spdlog/build/Release/spdlog.node \
                node_modules/native-watchdog/build/Release/watchdog.node node_modules/kerberos/build/Release/kerberos.node; do
    [[ -f "$binary" ]] || die "native module not built: $vscode_dir/$binary (see the npm output above; build tools: make, g++, python3)"
  done

  ln -sfn node_modules node_modules.asar
  local rg_path
  rg_path="$(command -v rg)" || die "ripgrep (rg) not found after installing Debian packages."
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sfn "$rg_path" node_modules/@vscode/ripgrep/bin/rg

  echo "$code_server_version" > "$marker"
  code_server_complete || die "code-server install incomplete in $install_dir; delete that folder and run again."
  say "code-server $code_server_version installed in $install_dir"
}

started=$SECONDS
mkdir -p "$cache_dir"
# One setup at a time per cache (npm start and the test runner may both call this).
exec 9>"$cache_dir/.setup.lock"
flock 9
: > "$log_file"
install_debian_packages
install_code_server
say "done in $((SECONDS - started)) s"
