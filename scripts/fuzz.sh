#!/usr/bin/env bash
# Fuzzes the reading pipeline (fuzz/fuzz_targets/read_file.rs) for SECONDS (default 600),
# seeded with every fixture in tests/data. Needs the nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo +nightly install cargo-fuzz
# A crash is saved under fuzz/artifacts/read_file/; turn each into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
corpus=fuzz/corpus/read_file
mkdir -p "$corpus"
for file in tests/data/*.* tests/data/metrics/*.* tests/data/hostile/*.*; do
  case "$file" in
    *.tsv) prefix='\x01' ;; *.txt) prefix='\x02' ;; *.xlsx|*.xls) prefix='\x03' ;; *.ods) prefix='\x04' ;; *) prefix='\x00' ;;
  esac
  { printf "$prefix"; cat "$file"; } > "$corpus/$(basename "$file")"
done
cd fuzz
exec cargo +nightly fuzz run read_file -- -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096
