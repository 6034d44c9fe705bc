# Sourced by the namespace scenarios, the demo and the benches.
#
# matches GREP-ARGS...: grep -q over the whole of stdin. A bare `producer | grep -q` under
# `set -o pipefail` fails at random: grep exits at its first match, and a producer that writes
# line by line (ip, espctl, ss) dies of SIGPIPE on its next write, which fails the pipeline.
matches() { local text; text=$(cat); grep -q "$@" <<<"$text"; }
