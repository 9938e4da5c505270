#!/usr/bin/env bash
# Regenerates schemas/*.json from the upstream files vendored in
# schemas/upstream/ (see schemas/README.md). The generator is the test
# tests/it/schema_sources.rs, which otherwise checks that schemas/ is
# exactly what it makes; with MILVUS_L7_WRITE_SCHEMAS set it writes them.
set -euo pipefail
cd "$(dirname "$0")/.."
MILVUS_L7_WRITE_SCHEMAS=1 cargo test --test it -- --exact \
    schema_sources::schemas_are_generated_from_upstream_byte_for_byte
