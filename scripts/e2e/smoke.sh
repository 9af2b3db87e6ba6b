#!/usr/bin/env bash
# The harness's own smoke test: runs both e2e routes against test/fixtures/hello-ext, and checks that a
# failing mocha assertion makes run-integration.mjs exit non-zero. Needs scripts/e2e/tools.sh first.
set -uo pipefail
cd "$(dirname "$0")/../.."

export SEQ2SEQ_EXTENSION_DIR=test/fixtures/hello-ext
export SEQ2SEQ_EXTENSION_TESTS=test/fixtures/hello-ext/test/index.js
export SEQ2SEQ_FIXTURE_WORKSPACE=test/fixtures/hello-ext/workspace
export SEQ2SEQ_UI_PREFIX='\nexport const HELLO'   # hello-ext completes a trailing HELLO with WORLD
failed=0

# check NAME EXPECT COMMAND...: EXPECT is "pass" (exit 0) or "fail:TEXT" (non-zero exit and TEXT in the output,
# so that a broken harness does not count as the expected test failure).
check() {
  local name=$1 expect=$2 start=$SECONDS rc ok=0
  local log=".test-artifacts/smoke-$name.log"
  shift 2
  "$@" > "$log" 2>&1
  rc=$?
  case $expect in
    pass) [ $rc -eq 0 ] && ok=1 ;;
    fail:*) [ $rc -ne 0 ] && grep -qF -- "${expect#fail:}" "$log" && ok=1 ;;
  esac
  if [ $ok -eq 1 ]; then
    echo "ok    $name (exit $rc, $((SECONDS - start)) s)"
  else
    echo "FAIL  $name (exit $rc, expected $expect, $((SECONDS - start)) s); log: $log"
    failed=1
  fi
}

mkdir -p .test-artifacts
check integration pass node scripts/e2e/run-integration.mjs
check integration-failing-test 'fail:tests failed (exit code 1)' env SEQ2SEQ_HELLO_FAIL=1 node scripts/e2e/run-integration.mjs
check ui pass node scripts/e2e/run-ui.mjs
exit $failed
