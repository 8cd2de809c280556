#!/usr/bin/env bash
# Re-copies the shared acceptance vignettes (../shared/vignettes, beside the
# repository) into tests/vignettes, unchanged. Vignettes that were removed from
# the shared folder are removed here too. Fails if the shared folder is missing.
set -euo pipefail
root="$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")"
src="${SHARED:-$root/../shared}/vignettes"
dst="$root/tests/vignettes"

if [ ! -d "$src" ]; then
  echo "sync-vignettes.sh: $src not found" >&2
  exit 1
fi
shopt -s nullglob
files=("$src"/*.json)
if [ "${#files[@]}" -eq 0 ]; then
  echo "sync-vignettes.sh: no *.json in $src" >&2
  exit 1
fi

mkdir -p "$dst"
rm -f "$dst"/*.json
cp -- "${files[@]}" "$dst"/
if [ -f "$src/README.md" ]; then
  cp -- "$src/README.md" "$dst"/
fi
echo "sync-vignettes.sh: copied ${#files[@]} vignettes to tests/vignettes"
