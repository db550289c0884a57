# Read-only probe of the facts the hardening role decides on. Prints YAML (one key a line).
# Runs as root (become). Nothing here writes anything.
set -u
q() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# Container or not, and whether the kernel's sysctl tree can be written.
virt=$(systemd-detect-virt --container 2>/dev/null || true)
if [ -z "$virt" ] || [ "$virt" = none ]; then
  if [ -f /.dockerenv ]; then virt=docker
  elif [ -f /run/.containerenv ]; then virt=podman
  else virt=none; fi
fi
echo "container: $(q "$virt")"
procsys_opts=$(findmnt -no OPTIONS /proc/sys 2>/dev/null | head -n1)
if [ -w /proc/sys/kernel/randomize_va_space ] && ! printf '%s' ",$procsys_opts," | grep -q ',ro,'; then
  echo "proc_sys_writable: true"
else
  echo "proc_sys_writable: false"
fi

# The SSH connection this run came in on: the first ancestor process whose environment
# has SSH_CONNECTION (sudo drops the variable from our own environment).
conn=""; conn_user=""; pid=$$
while [ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null; do
  if [ -r "/proc/$pid/environ" ]; then
    c=$(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^SSH_CONNECTION=//p' | head -n1)
    if [ -n "$c" ]; then conn=$c; conn_user=$(stat -c %U "/proc/$pid" 2>/dev/null); break; fi
  fi
  pid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
done
echo "ssh_connection: $(q "$conn")"
echo "ssh_connection_user: $(q "$conn_user")"

# Authorized keys per user (the connecting user and every sudo-capable user).
akf=$(sshd -T -C user=root,host=localhost,addr=127.0.0.1 2>/dev/null | awk '$1 == "authorizedkeysfile" { $1 = ""; print }')
[ -n "$akf" ] || akf=".ssh/authorized_keys .ssh/authorized_keys2"
keys_of() {
  local user=$1 home n=0 f p
  home=$(getent passwd "$user" | cut -d: -f6)
  [ -n "$home" ] || { echo 0; return; }
  for f in $akf; do
    p=${f//%h/$home}; p=${p//%u/$user}; p=${p//%%/%}
    case "$p" in /*) ;; *) p="$home/$p" ;; esac
    if [ -r "$p" ]; then
      n=$((n + $(grep -cE '^[^#[:space:]]' "$p" 2>/dev/null || true)))
    fi
  done
  echo "$n"
}
users=""
for g in sudo admin wheel; do
  m=$(getent group "$g" | cut -d: -f4)
  [ -n "$m" ] && users="$users,$m"
done
echo "sudo_users_with_keys:"
for u in $(printf '%s' "$users" | tr ',' '\n' | sort -u); do
  [ "$u" = root ] && continue
  [ "$(keys_of "$u")" -gt 0 ] && echo "  - $(q "$u")"
done
echo "user_keys:"
for u in root ${conn_user:+"$conn_user"} ${SUDO_USER:+"$SUDO_USER"}; do
  echo "  $(q "$u"): $(keys_of "$u")"
done
echo "user_groups:"
for u in ${conn_user:+"$conn_user"} ${SUDO_USER:+"$SUDO_USER"}; do
  echo "  $(q "$u"): [$(id -Gn "$u" 2>/dev/null | sed 's/ /, /g')]"
done
echo "openssh_version: $(q "$(ssh -V 2>&1 | sed -n 's/^OpenSSH_\([0-9]*\.[0-9]*\).*/\1/p')")"
