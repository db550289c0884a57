# Sourced by the scripts: the project's Python environment (a venv), so nothing is installed
# into the system Python (Debian 12 refuses that: PEP 668, "externally-managed-environment").
#
#   golive_venv_path          prints the venv's path: $GOLIVE_VENV, else <checkout>/.venv
#   golive_venv_activate      puts the venv first on PATH if it exists (no install)
#   golive_venv_ensure LEVEL  creates the venv if needed and installs requirements/LEVEL.txt
#                             (runtime: ansible-core + the check libraries; test: + test tooling)
#
# Each git worktree has its own .venv (its own requirements); GOLIVE_VENV=/path shares one.
# A stamp per requirements hash makes a second run a few milliseconds.

GOLIVE_REPO=${GOLIVE_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

golive_venv_path() { echo "${GOLIVE_VENV:-$GOLIVE_REPO/.venv}"; }

golive_venv_activate() {
  local venv
  venv=$(golive_venv_path)
  [[ -x $venv/bin/python ]] || return 0
  case ":$PATH:" in *":$venv/bin:"*) ;; *) PATH=$venv/bin:$PATH ;; esac
  export PATH VIRTUAL_ENV=$venv
  unset PYTHONHOME
}

# The hash of a requirements file and every file it includes with -r.
_golive_requirements_hash() {
  local file=$1 dir
  dir=$(dirname "$file")
  {
    cat "$file"
    sed -n 's/^-r[[:space:]]*//p' "$file" | while read -r inc; do _golive_requirements_hash "$dir/$inc"; done
  } | sha256sum | cut -c1-16
}

golive_venv_ensure() {
  local level=$1 venv base req stamp
  venv=$(golive_venv_path)
  base=${PYTHON:-python3}
  req=$GOLIVE_REPO/requirements/$level.txt
  [[ -f $req ]] || { echo "setup failed: no requirements/$level.txt" >&2; return 1; }
  stamp=$venv/.golive-$level-$(_golive_requirements_hash "$req")
  if [[ -f $stamp && -x $venv/bin/python ]]; then
    echo "== setup: $level requirements already installed in ${venv/#$GOLIVE_REPO\//}"
    golive_venv_activate
    return 0
  fi
  mkdir -p "$(dirname "$venv")"
  # Two runs in one checkout (a test and a readiness run) set it up one after the other.
  exec 8>"$venv.lock"
  flock 8
  if [[ ! -x $venv/bin/python ]]; then
    "$base" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
      || { echo "setup failed: Python 3.10 or newer is needed for ansible-core 2.17+ (found $("$base" -V 2>&1))" >&2; return 1; }
    if ! "$base" -c 'import ensurepip, venv' 2>/dev/null; then
      # Debian ships venv's pip bootstrap apart: python3-venv (python3.X-venv).
      local pkg
      pkg=python$("$base" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv
      [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null \
        || { echo "setup failed: $base cannot create a venv; install $pkg (apt-get install $pkg)" >&2; return 1; }
      echo "== setup: installing $pkg (venv for $base)"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null \
        || { echo "setup failed: apt-get install $pkg" >&2; return 1; }
    fi
    echo "== setup: creating the project's Python environment ${venv/#$GOLIVE_REPO\//} ($("$base" -V 2>&1))"
    rm -rf "$venv"
    "$base" -m venv "$venv" || { echo "setup failed: $base -m venv $venv" >&2; return 1; }
  fi
  echo "== setup: installing requirements/$level.txt into ${venv/#$GOLIVE_REPO\//}"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" \
    || { echo "setup failed: pip install -r requirements/$level.txt" >&2; return 1; }
  rm -f "$venv"/.golive-"$level"-*
  touch "$stamp"
  flock -u 8
  golive_venv_activate
}
