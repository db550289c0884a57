# shellcheck shell=bash
# Who listens on a loopback TCP port, for the test services' scripts: a fixed port held by
# something the script did not start is said at once, naming the holder, instead of a start
# that times out on it.
#   port_holder PORT            prints "pid 123 (redis-server)" or nothing
#   refuse_held PORT WHAT ENV   exits 1 with the message when PORT is held
port_holder() {
  ss -Hltnp "sport = :$1" 2>/dev/null \
    | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/pid \2 (\1)/p' | head -n 1
}
refuse_held() {
  local holder
  holder="$(port_holder "$1")"
  [ -z "${holder}" ] && return 0
  echo "127.0.0.1:$1 is held by ${holder}, which this script did not start (${2} does not answer" \
    "there with this checkout's credentials): stop it, or choose another port with $3" >&2
  exit 1
}
