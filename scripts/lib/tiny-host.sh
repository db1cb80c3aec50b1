# Shell functions for a tiny NixOS-like host in a sandbox, shared by scripts/demo,
# scripts/demo-stepping and scripts/bench-upgrade (source this file; needs root, Nix, git,
# util-linux).
#
#   tiny_host_start MIB   a holder process with a private mount namespace and a MIB tmpfs over
#                         /nix inside (never the machine's own /nix); sets $tiny_host (its pid).
#                         The holder reads a pipe this shell holds, so it ends with the shell.
#   tiny_host_stop        ends the holder (the namespace and its tmpfs vanish with it)
#   on_host CMD...        runs CMD inside the host with Nix's environment (local store, no daemon,
#                         no sandbox, no substituters)
#   example_source DIR    a git repository of docs/examples/tiny-host with no commit yet
#   example_commit DIR R  commits release R (docs/examples/tiny-host/releases/R.nix); prints the commit
#   example_install DIR STATE   installs the repository's working tree as the host's system
#                         (evaluate, build, nix-env --set, switch-to-configuration switch); prints the toplevel
#   example_profile WORK  writes WORK/host.yaml from the example profile for this host

tiny_host_example=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../docs/examples/tiny-host" && pwd -P)

tiny_host_start() {
    local mib=$1
    mkdir -p /nix
    exec {tiny_host_fd}> >(exec unshare -m --propagation private cat > /dev/null)
    tiny_host=$!
    while [ "$(readlink "/proc/$tiny_host/ns/mnt" 2>/dev/null)" = "$(readlink /proc/self/ns/mnt)" ]; do
        sleep 0.02
    done
    nsenter -t "$tiny_host" -m -- mount -t tmpfs -o "size=${mib}m" tmpfs /nix
}

tiny_host_stop() {
    if [ -n "${tiny_host:-}" ]; then
        kill "$tiny_host" 2>/dev/null || true
        exec {tiny_host_fd}>&- 2>/dev/null || true
        while kill -0 "$tiny_host" 2>/dev/null; do sleep 0.01; done
        tiny_host=
    fi
}

on_host() {
    nsenter -t "$tiny_host" -m -- env NIX_REMOTE=local NIX_CONFIG="sandbox = false
build-users-group =
substituters =" "$@"
}

example_source() {
    mkdir -p "$1"
    cp "$tiny_host_example/default.nix" "$tiny_host_example/build.sh" "$1/"
    git -C "$1" init -q
}

example_commit() {
    cp "$tiny_host_example/releases/$2.nix" "$1/release.nix"
    git -C "$1" add -A
    git -C "$1" -c user.name=demo -c user.email=demo@example.org commit -q -m "release $2"
    git -C "$1" rev-parse HEAD
}

example_install() {
    local drv toplevel
    drv=$(on_host nix-instantiate "$1/default.nix" -A system --argstr stateDir "$2" 2>/dev/null)
    toplevel=$(on_host nix-store --realise "$drv" 2>/dev/null)
    on_host nix-env -p /nix/var/nix/profiles/system --set "$toplevel"
    on_host "$toplevel/bin/switch-to-configuration" switch
    echo "$toplevel"
}

example_profile() {
    sed -e "s|@WORK@|$1|g" -e "s|@PID@|$tiny_host|g" "$tiny_host_example/host.yaml" > "$1/host.yaml"
}
