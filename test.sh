#!/usr/bin/env bash
# Runs every test: installs what they need (ffmpeg, espeak-ng, fonts, PostgreSQL, Chromium, s3rver), starts PostgreSQL,
# checks formatting, then runs each test project. Extra arguments go to `dotnet test` (e.g. --filter Name).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh --test
export REELGEN_TEST_POSTGRES="${REELGEN_TEST_POSTGRES:-$(scripts/test-postgres.sh)}"
export REELGEN_TEST_S3RVER="${REELGEN_TEST_S3RVER:-$(scripts/test-s3rver.sh)}"
export REELGEN_TEST_CHROMIUM="${REELGEN_TEST_CHROMIUM:-$(command -v chromium || true)}"

dotnet build Reelgen.slnx -v quiet -nologo "-clp:ErrorsOnly;NoSummary"
dotnet format Reelgen.slnx --verify-no-changes --no-restore

results=$(mktemp -d)
status=0
dotnet test Reelgen.slnx --no-build --logger "trx" --results-directory "$results" "$@" || status=$?
if [[ $# -eq 0 ]]; then
  # A smoke run of the HTTP tests on PostgreSQL: each in-process server gets a schema of its own there (the one
  # test that reads the SQLite file itself stays out).
  REELGEN_TEST_DATABASE=postgres dotnet test tests/Reelgen.Server.Tests --no-build --logger "trx" --results-directory "$results" \
    --filter "(FullyQualifiedName~JobsApiTests|FullyQualifiedName~TemplateJobTests|FullyQualifiedName~PublicFileTests)&FullyQualifiedName!~Tokens_are_stored_only_as_hashes" \
    || status=$?
fi

# One closing line for every project together: "N passed, N failed".
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed")); failed += int(c.get("failed")); skipped += int(c.get("notExecuted"))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
rm -rf "$results"
exit $status
