#!/usr/bin/env bash
# Publish the site with mike as the TensorFlow release its pages were verified on.
#
#   bash .github/publish.sh          commit the new version to the local gh-pages branch
#   bash .github/publish.sh --push   ... and push it (what the workflow runs on main)
#
# The version is the TensorFlow pin in requirements.in (tensorflow==2.21.0 -> "2.21"), so a
# reader on TensorFlow 2.21 reads the pages the tests ran on 2.21; "latest" moves to the
# newest release and the site root redirects there. Older versions stay as published.
# Run from the repository root, with the virtual environment's bin/ on PATH (mike calls
# mkdocs). tests/test_publish.py runs this script against a throwaway repository.
set -euo pipefail
version=$(sed -n 's/^tensorflow==\([0-9]*\.[0-9]*\)\..*/\1/p' requirements.in)
[ -n "$version" ] || { echo "no tensorflow==X.Y.Z pin in requirements.in" >&2; exit 1; }

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
