#!/usr/bin/env bash
# Install the system packages PMC Minutes needs, when we can (Debian/Ubuntu,
# as root or with password-less sudo). Idempotent: when everything is already
# installed it only runs `dpkg -s` and never calls apt-get.
#
#   required  Pango + HarfBuzz: WeasyPrint cannot render PDFs without them.
#             Missing and not installable -> exit 1.
#   fonts     DejaVu (and Noto when the distribution has it) so PDFs and pages
#             render with real glyphs. Missing -> warning only.
#   chromium  headless browser for the browser tests. Missing -> warning only.
#   npm       Node.js and npm: build and check the live editor's bundle (scripts/assets.sh).
#             Looked for as a command (Node.js may come from elsewhere). Missing -> warning only.
#   wrk       HTTP load generator for `make bench`, only with --bench. Missing -> warning only.
set -euo pipefail

REQUIRED=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b)
FONTS=(fonts-dejavu-core)
OPTIONAL_FONTS=(fonts-noto-core fonts-noto-color-emoji)   # "if available": skipped when apt does not know it
BROWSER=(chromium)
NODE=()
command -v npm >/dev/null 2>&1 || NODE=(npm)
BENCH_TOOLS=()
[[ ${1:-} == --bench ]] && BENCH_TOOLS=(wrk)

say() { printf 'system-deps: %s\n' "$*"; }
warn() { printf 'system-deps: WARNING: %s\n' "$*" >&2; }

have_dpkg() { command -v dpkg >/dev/null 2>&1; }

# `dpkg -s` exits 0 for removed packages that left config files, so check Status.
installed() { [[ $(dpkg -s "$1" 2>/dev/null) == *"Status: install ok installed"* ]]; }

# Does apt know a candidate version for the package (in its current lists)?
available() {
    local candidate
    candidate=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ && !done {print $2; done=1}')
    [[ -n "$candidate" && "$candidate" != "(none)" ]]
}

missing_of() {
    local pkg
    for pkg in "$@"; do installed "$pkg" || printf '%s\n' "$pkg"; done
    return 0
}

report() {
    # report <level> <what they are for> <packages...>
    local level=$1 purpose=$2
    shift 2
    (($#)) || return 0
    local msg="missing system package(s): $* ($purpose)."
    if [[ $level == error ]]; then
        printf 'system-deps: ERROR: %s\n' "$msg" >&2
    else
        warn "$msg"
    fi
}

if ! have_dpkg; then
    # Not Debian-like: we cannot check or install; look for Pango the hard way.
    warn "dpkg not found: cannot check or install system packages automatically."
    warn "Needed: Pango, PangoFT2 and HarfBuzz (WeasyPrint PDF rendering), DejaVu/Noto fonts, Chromium (browser tests)."
    if command -v ldconfig >/dev/null 2>&1 && ! ldconfig -p 2>/dev/null | grep -q 'libpango-1\.0'; then
        printf 'system-deps: ERROR: libpango-1.0 not found: WeasyPrint cannot produce PDFs without it.\n' >&2
        exit 1
    fi
    exit 0
fi

mapfile -t want < <(missing_of "${REQUIRED[@]}" "${FONTS[@]}" "${OPTIONAL_FONTS[@]}" "${BROWSER[@]}" \
    "${NODE[@]+"${NODE[@]}"}" "${BENCH_TOOLS[@]+"${BENCH_TOOLS[@]}"}")

# Optional packages the distribution's (already downloaded) lists do not carry
# are dropped here, so they cannot trigger an apt-get update on every run.
if ((${#want[@]})) && command -v apt-cache >/dev/null 2>&1; then
    lists_present=false
    compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null && lists_present=true
    if $lists_present; then
        filtered=()
        for pkg in "${want[@]}"; do
            if [[ " ${OPTIONAL_FONTS[*]} " == *" $pkg "* ]] && ! available "$pkg"; then
                say "$pkg is not available from apt here; skipping it (optional)."
                continue
            fi
            filtered+=("$pkg")
        done
        want=("${filtered[@]+"${filtered[@]}"}")
    fi
fi

if ((${#want[@]} == 0)); then
    say "all system packages present."
    exit 0
fi

say "missing: ${want[*]}"

# Can we install?
SUDO=()
can_install=true
reason=""
if ! command -v apt-get >/dev/null 2>&1; then
    can_install=false
    reason="apt-get not found"
elif [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        can_install=false
        reason="not root (and no password-less sudo)"
    fi
fi

if $can_install; then
    export DEBIAN_FRONTEND=noninteractive
    apt_get=("${SUDO[@]+"${SUDO[@]}"}" apt-get -y -q -o DPkg::Lock::Timeout=120)
    say "running apt-get update"
    if "${apt_get[@]}" update; then
        # Drop optional packages unknown even after the update.
        install=()
        for pkg in "${want[@]}"; do
            if [[ " ${OPTIONAL_FONTS[*]} " == *" $pkg "* ]] && ! available "$pkg"; then
                say "$pkg is not available from apt here; skipping it (optional)."
                continue
            fi
            install+=("$pkg")
        done
        if ((${#install[@]})); then
            say "installing: ${install[*]}"
            if ! "${apt_get[@]}" install --no-install-recommends "${install[@]}"; then
                # One bad package (say chromium) must not block the others.
                warn "apt-get install failed; retrying package by package."
                for pkg in "${install[@]}"; do
                    "${apt_get[@]}" install --no-install-recommends "$pkg" || warn "could not install $pkg"
                done
            fi
        fi
    else
        warn "apt-get update failed."
    fi
    reason="installation failed"
fi

# What is still missing after our attempt?
mapfile -t miss_required < <(missing_of "${REQUIRED[@]}")
mapfile -t miss_fonts < <(missing_of "${FONTS[@]}")
mapfile -t miss_browser < <(missing_of "${BROWSER[@]}")
mapfile -t miss_bench < <(missing_of "${BENCH_TOOLS[@]+"${BENCH_TOOLS[@]}"}")
miss_node=()
command -v npm >/dev/null 2>&1 || miss_node=(npm)

status=0
if ((${#miss_required[@]} + ${#miss_fonts[@]} + ${#miss_browser[@]} + ${#miss_node[@]} + ${#miss_bench[@]})); then
    $can_install || warn "cannot install system packages: $reason."
    report warn "fonts for PDFs and pages; output falls back to whatever fonts exist" \
        "${miss_fonts[@]+"${miss_fonts[@]}"}"
    report warn "headless browser for the browser tests; those tests will be skipped or fail" \
        "${miss_browser[@]+"${miss_browser[@]}"}"
    report warn "Node.js and npm to build and check the live editor's bundle; make test fails under CI without them" \
        "${miss_node[@]+"${miss_node[@]}"}"
    report warn "HTTP load generator for make bench; the throughput benchmark is skipped" \
        "${miss_bench[@]+"${miss_bench[@]}"}"
    if ((${#miss_required[@]})); then
        report error "WeasyPrint needs Pango/HarfBuzz to render the printable minutes as PDF" \
            "${miss_required[@]}"
        printf 'system-deps: install them as root with: apt-get install %s\n' "${miss_required[*]}" >&2
        status=1
    fi
else
    say "system packages installed."
fi
exit "$status"
