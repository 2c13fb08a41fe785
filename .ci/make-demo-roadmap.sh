#!/usr/bin/env bash
# Turns the repository in the current folder into a demo for the action's end-to-end job:
# commits a roadmap of four priorities (with their specs) on a new base branch, checked out.
# Priorities 1 and 3 name the same file, so `waves` makes 3 wait for 1's merge; PRIORITY n
# maps to US-10n, so the specs are found by their US number, as real roadmaps name them.
#
#   bash .ci/make-demo-roadmap.sh [base-branch]
set -euo pipefail

base=${1:-roadmap}

git config user.name 'parallel-worktree demo'
git config user.email 'demo@example.com'
git checkout -q -B "$base"

mkdir -p docs/roadmap docs/architecture/specs demo
{
  echo '# Roadmap'
  echo
  for p in 1 2 3 4; do
    printf '### PRIORITY %s: US-10%s - Demo feature %s\n\n**Status**: 📝 Planned\n\n' "$p" "$p" "$p"
  done
} >docs/roadmap/ROADMAP.md

spec() { # spec <us> <file>...
  local us=$1
  shift
  {
    printf '# SPEC-%s: Demo feature\n\n## Files\n\n' "$us"
    for file in "$@"; do printf -- '- `%s`\n' "$file"; done
  } >"docs/architecture/specs/SPEC-$us-demo.md"
  for file in "$@"; do [ -e "$file" ] || printf '# %s\n' "$file" >"$file"; done
}
spec 101 demo/greeting.txt
spec 102 demo/farewell.txt
spec 103 demo/greeting.txt demo/weather.txt
spec 104 demo/failing.txt

git add docs/roadmap/ROADMAP.md docs/architecture/specs demo
git commit -q -m 'Demo roadmap for the end-to-end job'
echo "Demo roadmap committed on $base ($(git rev-parse --short HEAD))"
