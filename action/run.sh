#!/usr/bin/env bash
# The testgate Action's one step: junit-merge | flake-detect | quarantine-filter |
# gate-verdict over the downloaded reports (flake-detect with a history; a missing ledger
# is an empty one, as quarantine-filter reads it), writing the step summary,
# annotations and the HTML report, and exiting with the verdict (0 green, 1 red, 2
# unusable input). Uploads nothing itself.
# Inputs arrive as TESTGATE_* variables (see action.yml); GitHub sets GITHUB_*.
set -uo pipefail

tool() {
  local name=$1
  shift
  if [ -n "${TESTGATE_FROM:-}" ]; then
    node "$TESTGATE_FROM/packages/$name/bin.js" "$@"
  else
    npx --yes --package "testgate@${TESTGATE_VERSION:-0.1.0}" -- "$name" "$@"
  fi
}

merge_args=("${TESTGATE_ARTIFACTS:-artifacts/**/*.xml}")
[ -n "${TESTGATE_EXPECT:-}" ] && merge_args+=(--expect "$TESTGATE_EXPECT")

gate_args=(--flaky "${TESTGATE_FLAKY:-warn}" --annotations github --html "${TESTGATE_HTML:-testgate-report.html}")
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && gate_args+=(--summary "$GITHUB_STEP_SUMMARY")

ledger=${TESTGATE_QUARANTINE:-quarantine.json}

# Without a history, flake detection is left out.
detect() {
  if [ -z "${TESTGATE_HISTORY:-}" ]; then
    cat
    return
  fi
  local args=(--history "$TESTGATE_HISTORY")
  [ "${TESTGATE_RECORD:-true}" = true ] && args+=(--record)
  [ -f "$ledger" ] && args+=(--quarantine "$ledger")
  tool flake-detect "${args[@]}"
}
tool junit-merge "${merge_args[@]}" | detect | tool quarantine-filter --file "$ledger" | tool gate-verdict "${gate_args[@]}"
status=$?

verdict=red
[ "$status" -eq 0 ] && verdict=green
[ -n "${GITHUB_OUTPUT:-}" ] && echo "verdict=$verdict" >> "$GITHUB_OUTPUT"
exit "$status"
