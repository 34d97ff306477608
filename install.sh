#!/usr/bin/env bash
# Installs git-orch: system packages it needs (libgit2-dev, pkg-config, bubblewrap) through apt when missing,
# a release build of `git-orch` in PREFIX/bin, and the shared folders (Roles, Missions, Skills,
# Hooks) in PREFIX/share/git-orch (the catalog's default location), the manual page that
# `git orch --help` opens (git turns --help into `man git-orch`) and bash, zsh and fish
# completions, all commands and options included. Safe to run again.
#
#   ./install.sh                 install into /usr/local (root) or ~/.local (other users)
#   ./install.sh --prefix DIR    install into DIR
#   ./install.sh --deps-only     only install the system packages (what building needs)
#   ./install.sh --test-deps     the system packages plus everything the test suite needs
#                                (Tests/Dependencies: apt packages, Python packages; a debug
#                                generate-manual for the manual's test), no other build
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }

prefix="${PREFIX:-}"
deps_only=false
test_deps=false
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --deps-only) deps_only=true; shift ;;
        --test-deps) deps_only=true; test_deps=true; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [ -z "$prefix" ]; then
    if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
fi

here="$(cd "$(dirname "$0")" && pwd)"
say() { printf 'install.sh: %s\n' "$*" >&2; }

install_system_packages() {
    local missing=()
    command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
    if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libgit2; then missing+=(libgit2-dev); fi
    command -v git >/dev/null 2>&1 || missing+=(git)
    # xterm.js for `git orch dashboard` (Debian's node-xterm; it brings libjs-xterm): served locally, never from a CDN.
    [ -f /usr/share/nodejs/xterm/lib/public/Terminal.js ] || missing+=(node-xterm)
    # bubblewrap confines each agent to its worktree (orch.sandbox auto uses it when present).
    command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 || { say "missing ${missing[*]} and no apt-get: install them with your package manager"; exit 1; }
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    say "installing ${missing[*]} through apt"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# What the tests need, listed in Tests/Dependencies (one name per line, # comments).
install_test_packages() {
    local list apt_missing=() name
    list() { sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$1" | grep -v '^$' || true; }
    while read -r name; do
        dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "ok installed" || apt_missing+=("$name")
    done < <(list "$here/Tests/Dependencies/apt-packages.txt")
    if [ ${#apt_missing[@]} -gt 0 ]; then
        command -v apt-get >/dev/null 2>&1 || { say "the tests need ${apt_missing[*]} and there is no apt-get: install them with your package manager"; exit 1; }
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo=sudo
        say "installing ${apt_missing[*]} through apt (test dependencies)"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt_missing[@]}" >/dev/null
    fi
    # pip says nothing and changes nothing when every requirement is already met.
    say "checking the Python test dependencies (Tests/Dependencies/requirements.txt)"
    python3 -m pip install -q --disable-pip-version-check -r "$here/Tests/Dependencies/requirements.txt" >&2
    # The real agent CLIs pin what the referees above cannot share: an environment of their own.
    local agents="${GIT_ORCH_TEST_AGENTS:-$HOME/.cache/git-orch/test-agents}"
    say "checking the real agent CLIs (Tests/Dependencies/agent-requirements.txt) in $agents"
    [ -x "$agents/bin/python3" ] || python3 -m venv "$agents" >&2
    "$agents/bin/python3" -m pip install -q --disable-pip-version-check -r "$here/Tests/Dependencies/agent-requirements.txt" >&2
}

install_system_packages
$test_deps && install_test_packages
command -v swift >/dev/null 2>&1 || { say "swift is not on PATH: install a Swift 6 toolchain first (https://swift.org/install)"; exit 1; }
# The manual page's test renders it with swift-argument-parser's generate-manual, as install does.
if $test_deps; then (cd "$here" && swift build --product generate-manual >&2); fi
$deps_only && exit 0

say "building git-orch (release)"
(cd "$here" && swift build -c release --product git-orch >&2 && swift build -c release --product git-orch-mcp >&2 && swift build -c release --product git-orch-catalog >&2 && swift build -c release --product git-orch-run >&2 && swift build -c release --product git-orch-dashboard >&2 \
    && swift build -c release --product git-orch-manual >&2 && swift build -c release --product generate-manual >&2)
bin_dir="$(cd "$here" && swift build -c release --show-bin-path)"

mkdir -p "$prefix/bin" "$prefix/share/git-orch" "$prefix/share/man/man1"
install -m 755 "$bin_dir/git-orch" "$prefix/bin/git-orch"
install -m 755 "$bin_dir/git-orch-mcp" "$prefix/bin/git-orch-mcp"
install -m 755 "$bin_dir/git-orch-catalog" "$prefix/bin/git-orch-catalog"
install -m 755 "$bin_dir/git-orch-run" "$prefix/bin/git-orch-run"
install -m 755 "$bin_dir/git-orch-dashboard" "$prefix/bin/git-orch-dashboard"
# The manual and the completions come from git-orch-manual (not installed): the same commands
# with the companions' real options, which `git-orch` itself hands over unparsed.
"$bin_dir/generate-manual" "$bin_dir/git-orch-manual" --output-directory "$prefix/share/man/man1" >&2
bash_completion="$prefix/share/bash-completion/completions/git-orch"
zsh_completion="$prefix/share/zsh/site-functions/_git-orch"
fish_completion="$prefix/share/fish/vendor_completions.d/git-orch.fish"
mkdir -p "$(dirname "$bash_completion")" "$(dirname "$zsh_completion")" "$(dirname "$fish_completion")"
# bash: `git-orch <TAB>`, and `git orch <TAB>` through git's completion (_git_orch).
{ "$bin_dir/git-orch-manual" --generate-completion-script bash; cat "$here/Sources/git-orch-manual/git-orch.bash"; } >"$bash_completion"
"$bin_dir/git-orch-manual" --generate-completion-script zsh >"$zsh_completion"
"$bin_dir/git-orch-manual" --generate-completion-script fish >"$fish_completion"
for folder in Roles Missions Skills Hooks; do
    rm -rf "${prefix:?}/share/git-orch/$folder"
    if [ -d "$here/$folder" ]; then cp -R "$here/$folder" "$prefix/share/git-orch/$folder"; fi
done
say "installed $prefix/bin/git-orch, $prefix/share/git-orch and $prefix/share/man/man1/git-orch.1"
say "completions: $bash_completion (bash: git-orch and git orch), $zsh_completion (zsh: git-orch), $fish_completion (fish: git-orch)"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) say "add $prefix/bin to PATH so that 'git orch' finds git-orch: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
