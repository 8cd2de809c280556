#!/usr/bin/env bash
# The checked-in clinical review pack (docs/clinical-review.md) is what
# `norotriage kb review` writes for the knowledge base of this build, byte for
# byte. Usage: review_pack_current.sh NOROTRIAGE_BINARY SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
fresh=$(mktemp)
trap 'rm -f "$fresh"' EXIT
"$bin" kb review -o "$fresh"
if ! cmp -s "$fresh" "$src/docs/clinical-review.md"; then
  diff -u "$src/docs/clinical-review.md" "$fresh" | head -40 >&2 || true
  echo >&2
  echo "docs/clinical-review.md is out of date with knowledge/. Regenerate it with" >&2
  echo "  build/norotriage kb review -o docs/clinical-review.md    (or: make review-pack)" >&2
  exit 1
fi
echo "docs/clinical-review.md is current"
