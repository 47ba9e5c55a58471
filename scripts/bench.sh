#!/usr/bin/env bash
# End-to-end benchmarks of the dvlint binary on generated packages, against the
# targets of the issue "Fast on the largest real solutions".
#
#   scripts/bench.sh                 # a ~100 MB pair, 50 small solutions, the real Foodbanks package
#   scripts/bench.sh --size-mb 300   # a bigger pair
#   scripts/bench.sh --quick         # a few MB and few runs (CI): only failed commands and
#                                    # wrong findings fail; timings are printed, not judged
#
# Needs hyperfine, unzip, GNU time (/usr/bin/time) and python3. Writes its inputs
# and hyperfine's JSON under target/bench/ (target/bench-quick/ with --quick) and
# prints a Markdown table; exits 1 when a target is missed.
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true
cd "$(dirname "$0")/.."
root=$PWD

quick=0
size_mb=100
size_given=0
usage="usage: scripts/bench.sh [--quick] [--size-mb N]"
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --size-mb)
      [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
      size_mb=$2 size_given=1
      shift
      ;;
    --size-mb=*) size_mb=${1#*=} size_given=1 ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  [ "$size_given" = 1 ] || size_mb=3
  out=$root/target/bench-quick
  runs=3 small_runs=5 many_count=50
else
  out=$root/target/bench
  runs=10 small_runs=30 many_count=50
fi

for tool in hyperfine unzip python3; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is not installed" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench.sh: GNU time (/usr/bin/time) is not installed" >&2; exit 2; }

echo "== building (release)" >&2
cargo build --release --locked --quiet -p dvlint -p dvlint-gen
dvlint=$root/target/release/dvlint
gen=$root/target/release/dvlint-gen

echo "== generating inputs in $out" >&2
rm -rf "$out"
mkdir -p "$out"
"$gen" pair --out "$out/pair" --size-mb "$size_mb"
"$gen" many --out "$out/many" --count "$many_count"
foodbanks=$root/../shared/corpus/foodbanks/Foodbanks_1_0_0_1_managed.zip

# Rows of the table, and whether any target was missed or anything went wrong.
rows=()
missed=0
broken=0
row() { rows+=("| $1 | $2 | $3 | $4 | $5 |"); }

# Runs dvlint (or anything) and accepts exit 0 (no finding) and 1 (findings).
run_ok() {
  local code=0
  "$@" || code=$?
  if [ "$code" -gt 1 ]; then
    echo "bench.sh: exit $code from: $*" >&2
    return 1
  fi
}

# A command's median wall time, in seconds, from `hyperfine --export-json`.
median() {
  python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]
print(r["median"])' "$1" "$2"
}

# Formats seconds for the table.
fmt_s() {
  python3 -c 'import sys
s = float(sys.argv[1])
print(f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s")' "$1"
}

# Sets $verdict: "yes" when the comparison (a Python expression) holds, and
# marks a missed target when not; in quick mode timings are not judged.
judge() {
  local holds
  holds=$(python3 -c 'import sys; print(int(eval(sys.argv[1])))' "$1")
  if [ "$quick" = 1 ]; then
    verdict="not judged (quick)"
  elif [ "$holds" = 1 ]; then
    verdict="yes"
  else
    missed=1
    verdict="**no**"
  fi
}

# A path quoted for the command lines hyperfine runs.
q() { printf '%q' "$1"; }

bench() { hyperfine --style basic "$@" >&2; }

cd "$out/pair"
xml_base=$(unzip -p base.zip customizations.xml | wc -c)
xml_cand=$(unzip -p cand.zip customizations.xml | wc -c)
xml_max=$((xml_base > xml_cand ? xml_base : xml_cand))
xml_all=$(($(unzip -p base.zip | wc -c) + $(unzip -p cand.zip | wc -c)))
folder_all=$(find base cand -type f -exec cat {} + | wc -c)

# (f) Correctness first: what is timed must find exactly what the generator changed.
findings() {
  python3 -c 'import json, sys
diags = json.load(sys.stdin)["diagnostics"]
for d in sorted((d["rule"], d["component"] or "") for d in diags):
    print(*d)'
}
python3 -c 'import json
for e in sorted((e["rule"], e["component"]) for e in json.load(open("expected.json"))):
    print(*e)' >expected.txt
expected_count=$(wc -l <expected.txt)
for form in zip folder; do
  if [ "$form" = zip ]; then cand=cand.zip base=base.zip; else cand=cand base=base; fi
  if ! run_ok "$dvlint" check "$cand" --baseline "$base" --format json >"findings-$form.json"; then
    broken=1
    row "findings, $form pair" "" "dvlint failed" "= expected.json" "**no**"
    continue
  fi
  findings <"findings-$form.json" >"findings-$form.txt"
  got=$(wc -l <"findings-$form.txt")
  if cmp -s expected.txt "findings-$form.txt"; then
    row "findings, $form pair" "" "$got of $expected_count, identical" "= expected.json" "yes"
  else
    broken=1
    diff expected.txt "findings-$form.txt" >&2 || true
    row "findings, $form pair" "" "$got, expected $expected_count (diff above)" "= expected.json" "**no**"
  fi
done

echo "== (a) zip pair: dvlint vs unzip -p" >&2
if bench -i --warmup 1 --runs "$runs" --export-json zip.json \
  -n dvlint "$(q "$dvlint") check cand.zip --baseline base.zip --format json" \
  -n unzip "unzip -p base.zip; unzip -p cand.zip"; then
  t_dvlint=$(median zip.json 0)
  t_unzip=$(median zip.json 1)
  ratio=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$t_dvlint" "$t_unzip")
  judge "$ratio <= 1.5"
  stretch=""
  [ "$quick" = 0 ] && stretch=$(python3 -c 'import sys; print(" (stretch ≤ 1.2× met)" if float(sys.argv[1]) <= 1.2 else "")' "$ratio")
  row "zip pair: \`dvlint check cand.zip --baseline base.zip\`" "$(fmt_s "$t_dvlint")" \
    "${ratio}× unzip" "≤ 1.5× (stretch 1.2×)" "$verdict$stretch"
  row "zip pair: \`unzip -p\` of both zips (reference)" "$(fmt_s "$t_unzip")" \
    "$(python3 -c 'import sys; print(f"{int(sys.argv[1]) / 1e6:.0f} MB of XML")' "$xml_all")" "" ""
else
  broken=1
  row "zip pair" "" "hyperfine failed" "" "**no**"
fi

echo "== (b) folder pair" >&2
if bench -i --warmup 1 --runs "$runs" --export-json folder.json \
  -n dvlint "$(q "$dvlint") check cand --baseline base --format json"; then
  t_folder=$(median folder.json 0)
  row "folder pair: \`dvlint check cand --baseline base\`" "$(fmt_s "$t_folder")" \
    "$(python3 -c 'import sys; print(f"{int(sys.argv[1]) / 1e6 / float(sys.argv[2]):.0f} MB/s of XML ({int(sys.argv[1]) / 1e6:.0f} MB)")' "$folder_all" "$t_folder")" \
    "" "info"
else
  broken=1
  row "folder pair" "" "hyperfine failed" "" "**no**"
fi

echo "== (c) peak RSS of the zip pair" >&2
rss_kib=0
for _ in $(seq "$([ "$quick" = 1 ] && echo 1 || echo 3)"); do
  if ! run_ok /usr/bin/time -o rss.txt -f '%M' "$dvlint" check cand.zip --baseline base.zip --format json >/dev/null; then
    broken=1
    break
  fi
  kib=$(tail -n 1 rss.txt)
  [ "$kib" -gt "$rss_kib" ] && rss_kib=$kib
done
rss_ratio=$(python3 -c 'import sys; print(f"{int(sys.argv[1]) * 1024 / int(sys.argv[2]):.2f}")' "$rss_kib" "$xml_max")
judge "$rss_ratio <= 2.5"
row "peak RSS, zip pair (max of runs)" \
  "$(python3 -c 'import sys; print(f"{int(sys.argv[1]) * 1024 / 1e6:.1f} MB")' "$rss_kib")" \
  "${rss_ratio}× the larger customizations.xml ($(python3 -c 'import sys; print(f"{int(sys.argv[1]) / 1e6:.1f} MB")' "$xml_max"))" \
  "≤ 2.5×" "$verdict"

echo "== (d) a real small package" >&2
if [ -f "$foodbanks" ]; then
  if bench -N -i --warmup 3 --runs "$small_runs" --export-json "$out/foodbanks.json" \
    -n foodbanks "$(q "$dvlint") check $(q "$foodbanks") --format json"; then
    t_small=$(median "$out/foodbanks.json" 0)
    judge "$t_small < 0.050"
    row "Foodbanks_1_0_0_1_managed.zip ($(($(stat -c %s "$foodbanks") / 1000)) kB), start-up included" \
      "$(fmt_s "$t_small")" "" "< 50 ms" "$verdict"
  else
    broken=1
    row "Foodbanks_1_0_0_1_managed.zip" "" "hyperfine failed" "< 50 ms" "**no**"
  fi
elif [ "$quick" = 1 ]; then
  row "Foodbanks_1_0_0_1_managed.zip" "" "not found: $foodbanks" "< 50 ms" "skipped"
else
  missed=1
  row "Foodbanks_1_0_0_1_managed.zip" "" "not found: $foodbanks" "< 50 ms" "**no**"
fi

echo "== (e) $many_count solutions in one run" >&2
cd "$out/many"
if run_ok "$dvlint" check --policy dvlint.yaml --format json >findings.json; then
  got=$(findings <findings.json | wc -l)
  if [ "$got" = "$many_count" ]; then
    row "findings, $many_count solutions" "" "$got, one per solution" "one per solution" "yes"
  else
    broken=1
    row "findings, $many_count solutions" "" "$got" "$many_count" "**no**"
  fi
else
  broken=1
  row "findings, $many_count solutions" "" "dvlint failed" "$many_count" "**no**"
fi
if bench -N -i --warmup 2 --runs "$small_runs" --export-json many.json \
  -n many "$(q "$dvlint") check --policy dvlint.yaml --format json"; then
  t_many=$(median many.json 0)
  judge "$t_many < 1"
  row "$many_count solutions, one \`dvlint check --policy\`" "$(fmt_s "$t_many")" "" "< 1 s" "$verdict"
else
  broken=1
  row "$many_count solutions" "" "hyperfine failed" "< 1 s" "**no**"
fi
# CPU utilisation: (user + system) / wall of each run, from GNU time; the median.
: >cpu.txt
for _ in $(seq "$([ "$quick" = 1 ] && echo 3 || echo 10)"); do
  run_ok /usr/bin/time -o time.txt -f '%e %U %S' "$dvlint" check --policy dvlint.yaml --format json >/dev/null || broken=1
  tail -n 1 time.txt >>cpu.txt
done
cpu=$(python3 -c 'import statistics, sys
runs = [list(map(float, line.split())) for line in open(sys.argv[1]) if line.strip()]
print(round(statistics.median(100 * (u + s) / max(e, 0.01) for e, u, s in runs)))' cpu.txt)
judge "$cpu > 100"
row "$many_count solutions: CPU (user + sys) / wall, $(nproc) cores" "" "${cpu} %" "> 100 %" "$verdict"

cd "$root"
echo
echo "Generated pair: customizations.xml $(python3 -c 'import sys; print(f"{int(sys.argv[1]) / 1e6:.1f} MB (base), {int(sys.argv[2]) / 1e6:.1f} MB (cand)")' "$xml_base" "$xml_cand"); $runs runs per timing, medians; MB = 10^6 bytes."
echo
echo "| measurement | median | ratio / value | target | met? |"
echo "| --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"

if [ "$broken" = 1 ]; then
  echo "bench.sh: a command failed or the findings are wrong" >&2
  exit 1
fi
if [ "$missed" = 1 ]; then
  echo "bench.sh: a target was missed" >&2
  exit 1
fi
