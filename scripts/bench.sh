#!/usr/bin/env bash
# End-to-end benchmarks of the dvlint binary on generated packages, against the
# targets of the issues "Fast on the largest real solutions" and 13 (every shape).
#
#   scripts/bench.sh                 # a ~100 MB pair of each shape, 50 small solutions,
#                                    # the real Foodbanks package
#   scripts/bench.sh --size-mb 300   # bigger pairs
#   scripts/bench.sh --shape columns # one shape only (repeat for more); default: every shape
#   scripts/bench.sh --quick         # a few MB and few runs (CI): only failed commands and
#                                    # wrong findings fail; timings are printed, not judged
#
# A shape is where a customizations.xml's bytes are (dvlint-gen/src/shape.rs):
# `forms` (forms, views and ribbons, which dvlint drops as it reads, about half),
# `columns` (column metadata, which it keeps and parses, nearly all) and `wide`
# (many narrow tables with a small form and views). A claim holds for every shape.
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
shapes=()
all_shapes=(forms columns wide)
usage="usage: scripts/bench.sh [--quick] [--size-mb N] [--shape forms|columns|wide]..."
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --size-mb)
      [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
      size_mb=$2 size_given=1
      shift
      ;;
    --size-mb=*) size_mb=${1#*=} size_given=1 ;;
    --shape)
      [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
      shapes+=("$2")
      shift
      ;;
    --shape=*) shapes+=("${1#*=}") ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
  shift
done
[ ${#shapes[@]} -gt 0 ] || shapes=("${all_shapes[@]}")
for shape in "${shapes[@]}"; do
  case " ${all_shapes[*]} " in
    *" $shape "*) ;;
    *) echo "bench.sh: unknown shape \`$shape\`: one of ${all_shapes[*]}" >&2; exit 2 ;;
  esac
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
for shape in "${shapes[@]}"; do
  "$gen" pair --out "$out/$shape" --shape "$shape" --size-mb "$size_mb" 2>"$out/$shape.log"
  cat "$out/$shape.log" >&2
done
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

# Formats bytes as MB (10^6) for the table.
fmt_mb() { python3 -c 'import sys; print(f"{int(sys.argv[1]) / 1e6:.1f} MB")' "$1"; }

# The findings of a dvlint JSON report, one "rule component" a line, sorted.
findings() {
  python3 -c 'import json, sys
diags = json.load(sys.stdin)["diagnostics"]
for d in sorted((d["rule"], d["component"] or "") for d in diags):
    print(*d)'
}

# Measures the generated pair of one shape, in $out/<shape>: (f) findings, (a)
# the zip pair against `unzip -p`, (b) the folder pair, (c) peak RSS. Every row
# starts with the shape's name.
measure_shape() {
  local shape=$1
  cd "$out/$shape"
  local xml_base xml_cand xml_max xml_all folder_all larger
  xml_base=$(unzip -p base.zip customizations.xml | wc -c)
  xml_cand=$(unzip -p cand.zip customizations.xml | wc -c)
  if [ "$xml_base" -ge "$xml_cand" ]; then larger=base; else larger=cand; fi
  xml_max=$((xml_base > xml_cand ? xml_base : xml_cand))
  xml_all=$(($(unzip -p base.zip | wc -c) + $(unzip -p cand.zip | wc -c)))
  folder_all=$(find base cand -type f -exec cat {} + | wc -c)

  # What the shape is: its tables (from dvlint-gen's log) and its share of column metadata.
  local made share zipped
  made=$(sed -n 's/^shape [a-z]*: \([0-9]*\) tables of \([0-9]*\) custom columns, \([0-9]*\) forms and \([0-9]*\) views each$/\1 tables × \2 columns; main forms: \3, views: \4 a table/p' "$out/$shape.log")
  share=$(unzip -p "$larger.zip" customizations.xml | python3 "$root/scripts/column-share.py" - |
    sed -n 's/.*(\([0-9]* %\)).*/\1/p')
  zipped=$(($(stat -c %s base.zip) + $(stat -c %s cand.zip)))
  row "**$shape**: the pair" "" \
    "customizations.xml $(fmt_mb "$xml_base") + $(fmt_mb "$xml_cand"), $share column metadata; $made; zips $(fmt_mb "$zipped")" \
    "" "info"

  # (f) Correctness first: what is timed must find exactly what the generator changed.
  python3 -c 'import json
for e in sorted((e["rule"], e["component"]) for e in json.load(open("expected.json"))):
    print(*e)' >expected.txt
  local expected_count form cand base got
  expected_count=$(wc -l <expected.txt)
  for form in zip folder; do
    if [ "$form" = zip ]; then cand=cand.zip base=base.zip; else cand=cand base=base; fi
    if ! run_ok "$dvlint" check "$cand" --baseline "$base" --format json >"findings-$form.json"; then
      broken=1
      row "$shape: findings, $form pair" "" "dvlint failed" "= expected.json" "**no**"
      continue
    fi
    findings <"findings-$form.json" >"findings-$form.txt"
    got=$(wc -l <"findings-$form.txt")
    if cmp -s expected.txt "findings-$form.txt"; then
      row "$shape: findings, $form pair" "" "$got of $expected_count, identical" "= expected.json" "yes"
    else
      broken=1
      diff expected.txt "findings-$form.txt" >&2 || true
      row "$shape: findings, $form pair" "" "$got, expected $expected_count (diff above)" "= expected.json" "**no**"
    fi
  done

  echo "== (a) $shape: zip pair, dvlint vs unzip -p" >&2
  local t_dvlint t_unzip ratio stretch
  if bench -i --warmup 1 --runs "$runs" --export-json zip.json \
    -n dvlint "$(q "$dvlint") check cand.zip --baseline base.zip --format json" \
    -n unzip "unzip -p base.zip; unzip -p cand.zip"; then
    t_dvlint=$(median zip.json 0)
    t_unzip=$(median zip.json 1)
    ratio=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$t_dvlint" "$t_unzip")
    judge "$ratio <= 0.5"
    stretch=""
    [ "$quick" = 0 ] && stretch=$(python3 -c 'import sys; print(" (stretch ≤ 0.4× met)" if float(sys.argv[1]) <= 0.4 else "")' "$ratio")
    row "$shape: zip pair, \`dvlint check cand.zip --baseline base.zip\`" "$(fmt_s "$t_dvlint")" \
      "${ratio}× unzip" "≤ 0.5× (stretch 0.4×)" "$verdict$stretch"
    row "$shape: zip pair, \`unzip -p\` of both zips (reference)" "$(fmt_s "$t_unzip")" \
      "$(python3 -c 'import sys; print(f"{int(sys.argv[1]) / 1e6:.0f} MB of XML")' "$xml_all")" "" ""
  else
    broken=1
    row "$shape: zip pair" "" "hyperfine failed" "" "**no**"
  fi

  echo "== (b) $shape: folder pair" >&2
  local t_folder
  if bench -i --warmup 1 --runs "$runs" --export-json folder.json \
    -n dvlint "$(q "$dvlint") check cand --baseline base --format json"; then
    t_folder=$(median folder.json 0)
    row "$shape: folder pair, \`dvlint check cand --baseline base\`" "$(fmt_s "$t_folder")" \
      "$(python3 -c 'import sys; print(f"{int(sys.argv[1]) / 1e6 / float(sys.argv[2]):.0f} MB/s of XML ({int(sys.argv[1]) / 1e6:.0f} MB)")' "$folder_all" "$t_folder")" \
      "" "info"
  else
    broken=1
    row "$shape: folder pair" "" "hyperfine failed" "" "**no**"
  fi

  echo "== (c) $shape: peak RSS of the zip pair" >&2
  local rss_kib=0 kib rss_ratio
  for _ in $(seq "$([ "$quick" = 1 ] && echo 1 || echo 3)"); do
    if ! run_ok /usr/bin/time -o rss.txt -f '%M' "$dvlint" check cand.zip --baseline base.zip --format json >/dev/null; then
      broken=1
      break
    fi
    kib=$(tail -n 1 rss.txt)
    [ "$kib" -gt "$rss_kib" ] && rss_kib=$kib
  done
  rss_ratio=$(python3 -c 'import sys; print(f"{int(sys.argv[1]) * 1024 / int(sys.argv[2]):.2f}")' "$rss_kib" "$xml_max")
  judge "$rss_ratio <= 0.6"
  row "$shape: peak RSS, zip pair (max of runs)" "$(fmt_mb $((rss_kib * 1024)))" \
    "${rss_ratio}× the larger customizations.xml ($(fmt_mb "$xml_max"))" "≤ 0.6×" "$verdict"
  cd "$root"
}

for shape in "${shapes[@]}"; do
  measure_shape "$shape"
done

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
echo "Generated pairs of about $size_mb MB of customizations.xml each, shapes: ${shapes[*]}; $runs runs per timing, medians; MB = 10^6 bytes."
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
