#!/usr/bin/env bash
# Regenerates docs/openapi.json, the committed copy of the OpenAPI document that the tests compare with the served one.
# Run it after an intended API change and commit the file with the change.
set -euo pipefail
cd "$(dirname "$0")/.."
REELGEN_UPDATE_OPENAPI=1 dotnet test tests/Reelgen.Server.Tests --filter "FullyQualifiedName~OpenApiTests.The_openapi_document_matches_the_committed_copy" -v quiet -nologo
git diff --stat -- docs/openapi.json
