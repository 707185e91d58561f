#!/bin/sh
# Runs a VM command whose program prints "phase <name>" lines and pauses
# after each; samples the VM's resident memory at every phase.
#   tools/rss-phases.sh OUTFILE COMMAND...
# Prints "<phase>=<MB>" pairs (also kept in OUTFILE.rss, with KB in
# OUTFILE.rsskb) and exits with the command's status; its standard output
# is in OUTFILE, its standard error in OUTFILE.err. The command is killed
# after RSS_PHASES_TIMEOUT seconds (default 600).
set -u
limit=$(( ${RSS_PHASES_TIMEOUT:-600} * 10 ))
ticks=0
out=$1; shift
: > "$out"
"$@" > "$out" 2> "$out.err" &
pid=$!
seen=""
report=""
report_kb=""
while kill -0 "$pid" 2>/dev/null; do
  for ph in $(awk '/^phase / {print $2}' "$out"); do
    case " $seen " in *" $ph "*) continue ;; esac
    seen="$seen $ph"
    sleep 0.5
    kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    report="$report $ph=$((kb / 1024))"
    report_kb="$report_kb $ph=$kb"
  done
  sleep 0.1
  ticks=$((ticks + 1))
  if [ "$ticks" -ge "$limit" ]; then
    echo "rss-phases: timed out, killing $*" >&2
    kill -9 "$pid" 2>/dev/null
    break
  fi
done
wait "$pid"
status=$?
echo "$report" > "$out.rss"
echo "$report_kb" > "$out.rsskb"
echo "$report"
exit $status
