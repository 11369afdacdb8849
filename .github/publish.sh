#!/usr/bin/env bash
# Publish the site with mike as the TensorFlow release its pages were verified on.
#
#   bash .github/publish.sh          commit the new version to the local gh-pages branch
#   bash .github/publish.sh --push   ... and push it (what the workflow runs)
#
# The version is the TensorFlow pin in requirements.in (tensorflow==2.21.0 -> "2.21"), so a
# reader on TensorFlow 2.21 reads the pages the tests ran on 2.21. The newest release
# (by number, among the versions mike lists in versions.json on gh-pages: 2.10 is newer
# than 2.9) holds "latest", where the site root redirects, and the root 404 page: a newer
# release takes them, an older one (the pages of a release branch, fixed) is added or
# replaced beside it and leaves them where they are. Other versions stay as published.
# Run from the repository root, with the virtual environment's bin/ on PATH (mike calls
# mkdocs). The tests (tests/conftest.py, tests/test_publish.py) run this script against
# throwaway repositories.
set -euo pipefail
version=$(sed -n 's/^tensorflow==\([0-9]*\.[0-9]*\)\..*/\1/p' requirements.in)
[ -n "$version" ] || { echo "no tensorflow==X.Y.Z pin in requirements.in" >&2; exit 1; }

published=""
if versions=$(git show gh-pages:versions.json 2>/dev/null); then
  published=$(printf '%s' "$versions" | python3 -c \
    'import json, sys; print("\n".join(v["version"] for v in json.load(sys.stdin)))')
fi
newest=$(printf '%s\n%s\n' "$published" "$version" | grep -E '^[0-9]+(\.[0-9]+)*$' | sort -V | tail -n 1)

if [ "$newest" != "$version" ]; then
  echo "TensorFlow $version is older than the newest published release, $newest:" \
       "publishing it beside that; latest and the site root stay on $newest"
  mike deploy "$@" --alias-type=redirect --title "TensorFlow $version" "$version"
  exit 0
fi

mike deploy "$@" --update-aliases --alias-type=redirect \
  --title "TensorFlow $version" "$version" latest
mike set-default "$@" latest

# GitHub Pages answers a missing page with the 404.html at the site root. The one MkDocs
# builds links its styles by absolute paths under site_url/<version>/, so a copy works there.
work=$(mktemp -d)
trap 'git worktree remove --force "$work"; rm -rf "$work"' EXIT
git worktree add --quiet "$work" gh-pages
cp "$work/$version/404.html" "$work/404.html"
git -C "$work" add 404.html
if ! git -C "$work" diff --cached --quiet; then
  git -C "$work" commit --quiet -m "Site root 404 page from $version"
fi
if [ "${1:-}" = "--push" ]; then
  git push --quiet origin gh-pages
fi
