#!/usr/bin/env bash
# Run every page as other machines run it: the outputs a page shows must hold on any
# x86-64 CPU, with oneDNN on or off, on any number of threads (CONTRIBUTING.md, "Numbers that vary by
# machine"). Each variant reruns the pages (docs/); the harness's own tests do not depend
# on the CPU. The last variant runs no harness at all: each page as a reader runs it, its
# code as one script under a plain `python` (tests/as_reader.py), must print what it
# shows. (Each page's notebook runs in a Jupyter kernel in the suite itself; here the
# variants leave those runs out, --no-jupyter: they run the pages' code once more.)
# Usage, from the repository root:  bash tests/portability.sh
set -uo pipefail
cd "$(dirname "$0")/.."
pytest=.venv/bin/pytest
failed=()
run() {
  local name=$1; shift
  echo "=== $name"
  local start=$SECONDS
  if "$@"; then echo "=== $name: passed in $((SECONDS - start)) s"; else failed+=("$name"); echo "=== $name: FAILED"; fi
}
run "as is"                          $pytest docs -q --no-jupyter
run "oneDNN off"                     env TF_ENABLE_ONEDNN_OPTS=0 $pytest docs -q --no-jupyter
run "oneDNN off, 4 intra-op threads" env TF_ENABLE_ONEDNN_OPTS=0 TF_NUM_INTRAOP_THREADS=4 $pytest docs -q --no-jupyter
run "oneDNN as on AVX2 CPUs"         env ONEDNN_MAX_CPU_ISA=AVX2 $pytest docs -q --no-jupyter
run "oneDNN as on SSE4.1 CPUs"       env ONEDNN_MAX_CPU_ISA=SSE41 $pytest docs -q --no-jupyter
run "one core"                       taskset -c 0 $pytest docs -q --no-jupyter -n0
run "as a reader runs it"            .venv/bin/python tests/as_reader.py --jobs 2
if ((${#failed[@]})); then echo "failed: ${failed[*]}"; exit 1; fi
echo "all variants passed"
