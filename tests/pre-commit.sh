#!/usr/bin/env bash
# Tests .pre-commit-hooks.yaml with the real pre-commit (from PyPI, in target/pre-commit-venv):
# a temporary repository holds an unpacked solution and a `.pre-commit-config.yaml` that uses this
# repository at its HEAD commit. A commit that removes a column without raising the version must
# fail naming both findings (attribute-removed, version-not-incremented); raising the version and
# accepting the removal in dvlint.yaml (an `allow` entry with its reason) must pass; a commit that
# touches no solution file skips the hooks.
#
# Both hooks run: `dvlint` (language: rust: pre-commit clones this repository and builds it with
# `cargo install`, cached in target/pre-commit-home, built in target/pre-commit-cargo) and
# `dvlint-system` (the freshly built target/release/dvlint on PATH). DVLINT_PRE_COMMIT_FAST=1
# runs only `dvlint-system`, skipping the cargo install.
#
# The hooks come from HEAD: commit .pre-commit-hooks.yaml before running this.
#
#   bash tests/pre-commit.sh        (from a clean clone; ends with "N passed, 0 failed")
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TERM_COLOR=never

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  ok    $1"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $1"; }
check() {
  local description="$1"
  shift
  if "$@"; then pass "$description"; else fail "$description"; fi
}
has_text() { grep -Fq -- "$2" "$1"; }
lacks_text() { ! grep -Fq -- "$2" "$1"; }
equals() { [ "$1" = "$2" ] || { echo "        expected [$2], got [$1]"; return 1; }; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dvlint-pre-commit-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "== tools"
venv="$ROOT/target/pre-commit-venv"
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
fi
echo "$("$venv/bin/pre-commit" --version) in $venv"
cargo build --release --locked --quiet
release_dir="${CARGO_TARGET_DIR:-$ROOT/target}/release"
echo "$("$release_dir/dvlint" --version): $release_dir/dvlint (for dvlint-system)"

fast="${DVLINT_PRE_COMMIT_FAST:-}"
rev="$(git rev-parse HEAD)"
if [ -n "$(git status --porcelain -- .pre-commit-hooks.yaml)" ]; then
  echo "note: .pre-commit-hooks.yaml has uncommitted changes; pre-commit uses HEAD's ($rev)"
fi

echo "== the hook manifest"
check "pre-commit validate-manifest accepts .pre-commit-hooks.yaml" \
  "$venv/bin/pre-commit" validate-manifest .pre-commit-hooks.yaml
check "hooks dvlint (language: rust) and dvlint-system (language: system): dvlint check, no file names, --baseline git:HEAD" \
  "$venv/bin/python" - <<'EOF'
import yaml
hooks = {h["id"]: h for h in yaml.safe_load(open(".pre-commit-hooks.yaml", encoding="utf-8"))}
assert set(hooks) == {"dvlint", "dvlint-system"}, set(hooks)
assert hooks["dvlint"]["language"] == "rust" and hooks["dvlint-system"]["language"] == "system"
for h in hooks.values():
    assert h["entry"] == "dvlint check" and h["pass_filenames"] is False, h
    assert h["args"] == ["--baseline", "git:HEAD"], h["args"]
EOF
check "files: matches solution files (unpacked, extracted, zips) and nothing else" \
  "$venv/bin/python" - <<'EOF'
import re, yaml
for hook in yaml.safe_load(open(".pre-commit-hooks.yaml", encoding="utf-8")):
    files = re.compile(hook["files"])
    for path in ["src/solutions/ContosoCore/Other/Solution.xml", "Other/Customizations.xml",
                 "src/ContosoCore/Other/Relationships.xml", "src/ContosoCore/Other/Relationships/Account.xml",
                 "src/ContosoCore/Entities/cts_Project/Entity.xml", "src/ContosoCore/OptionSets/cts_priority.xml",
                 "exports/ContosoCore/solution.xml", "exports/ContosoCore/customizations.xml",
                 "releases/ContosoCore_1_2_0_0_managed.zip",
                 "solutions/ppat_core/solutions/ppat_core/solution.yml", "src/solutions/Core/solutioncomponents.yml",
                 "src/entities/cts_project/Entity.yml", "src/entities/cts_project/attributes/cts_name.yml",
                 "optionsets/cts_stage/optionset.yml", "entityrelationships/cts_project_account.yml"]:
        assert files.search(path), (hook["id"], "should match", path)
    for path in ["README.md", "dvlint.yaml", "src/main.rs", "src/ContosoCore/Entities/cts_Project/FormXml/main/form.xml",
                 "src/ContosoCore/Entities/cts_Project/RibbonDiff.xml", "notes/mysolution.xml",
                 ".github/workflows/ci.yml", ".pre-commit-config.yaml", "docker-compose.yml",
                 "src/entities/cts_project/formxml/main/8f2d/systemform.yml"]:
        assert not files.search(path), (hook["id"], "should not match", path)
EOF

echo "== a repository with an unpacked solution and a .pre-commit-config.yaml using $ROOT at $rev"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=dvlint GIT_AUTHOR_EMAIL=dvlint@example.invalid
export GIT_COMMITTER_NAME=dvlint GIT_COMMITTER_EMAIL=dvlint@example.invalid
export PRE_COMMIT_HOME="$ROOT/target/pre-commit-home"
export CARGO_TARGET_DIR="$ROOT/target/pre-commit-cargo" # where the rust hook's cargo install builds
export PATH="$release_dir:$PATH"                         # dvlint-system's dvlint
export PRE_COMMIT_COLOR=never

fixture="$ROOT/tests/fixtures/attribute-removed/column-dropped"
repo="$tmp/repo"
solution="src/ContosoCore"
git init --quiet "$repo"
cd "$repo"
git checkout --quiet -b main
mkdir -p src
cp -R "$fixture/baseline" "$solution"
cat >dvlint.yaml <<'EOF'
fail-on: error
EOF
{
  echo "repos:"
  echo "  - repo: $ROOT"
  echo "    rev: $rev"
  echo "    hooks:"
  if [ -z "$fast" ]; then
    echo "      - id: dvlint"
    echo "        args: [$solution, --baseline, \"git:HEAD\"]"
  fi
  echo "      - id: dvlint-system"
  echo "        args: [$solution, --baseline, \"git:HEAD\"]"
} >.pre-commit-config.yaml
cat .pre-commit-config.yaml
echo "# notes" >README.md
git add -A
git commit --quiet -m "ContosoCore 1.2.0.0"
"$venv/bin/pre-commit" install >/dev/null
hooks="dvlint (system)"
hook_count=1
if [ -z "$fast" ]; then
  hooks="dvlint (rust) and dvlint (system)"
  hook_count=2
  echo "installing the rust hook's environment (cargo install of $rev; cached in $PRE_COMMIT_HOME)"
  start=$SECONDS
  check "pre-commit installs the language: rust hook (cargo install from the clone)" \
    "$venv/bin/pre-commit" install-hooks
  echo "  (took $((SECONDS - start)) s)"
  check "the rust hook has its own dvlint, built by cargo install in pre-commit's cache" \
    test -n "$(find "$PRE_COMMIT_HOME" -path '*/rustenv-*/bin/dvlint' -type f | head -n 1)"
fi

# commit NAME MESSAGE: `git commit` through the installed hook; sets $code and $log
commit() {
  log="$tmp/$1.log"
  set +e
  git commit -m "$2" >"$log" 2>&1
  code=$?
  set -e
  sed 's/^/    | /' "$log"
}
# hook_result NAME RESULT: pre-commit's status line for the hook, e.g. "dvlint....Failed"
hook_result() { grep -Eq "^$(printf '%s' "$1" | sed 's/[()]/\\&/g')\.+(\([^)]*\))?$2\$" "$log"; }

echo "== commit a removed column without raising the version ($hooks)"
cp "$fixture/candidate/Entities/cts_Project/Entity.xml" "$solution/Entities/cts_Project/Entity.xml"
git add -A
before="$(git rev-parse HEAD)"
commit drop-column "Remove cts_code"
check "the commit is refused" equals "$code/$(git rev-parse HEAD)" "1/$before"
if [ -z "$fast" ]; then
  check "hook dvlint (language: rust) failed" hook_result dvlint Failed
fi
check "hook dvlint-system failed" hook_result "dvlint (system)" Failed
check "the report names attribute-removed" has_text "$log" "attribute-removed"
check "the report names version-not-incremented" has_text "$log" "version-not-incremented"
check "it blames the removed column and the unchanged version" \
  has_text "$log" "column \`cts_code\` was removed from table \`cts_project\`"
check "it compares with git:HEAD" has_text "$log" "git:HEAD:$solution/"
check "each hook reports 2 errors" \
  equals "$(grep -c "2 errors in ContosoCore 1.2.0.0 (baseline 1.2.0.0)" "$log")" "$hook_count"

echo "== raise the version and accept the removal in dvlint.yaml"
cp "$fixture/candidate/Other/Solution.xml" "$solution/Other/Solution.xml"
cat >dvlint.yaml <<'EOF'
fail-on: error
allow:
  - rule: attribute-removed
    component: cts_project.cts_code
    reason: "project codes moved to cts_projectcode in 1.3; finance signed off the data loss"
EOF
git add -A
commit accept "Remove cts_code (1.3.0.0)"
check "the commit goes through" equals "$code/$(git log -1 --format=%s)" "0/Remove cts_code (1.3.0.0)"
if [ -z "$fast" ]; then
  check "hook dvlint (language: rust) passed" hook_result dvlint Passed
fi
check "hook dvlint-system passed" hook_result "dvlint (system)" Passed

echo "== commit that touches no solution file"
echo "more notes" >>README.md
git add README.md
commit readme "Notes"
check "the commit goes through, the hooks skipped" \
  equals "$code/$(grep -Ec '^dvlint( \(system\))?\.+\(no files to check\)Skipped$' "$log")" "0/$hook_count"

echo "== the same removal without an allow entry, the version raised"
git checkout --quiet -b again HEAD~2
cp "$fixture/candidate/Entities/cts_Project/Entity.xml" "$solution/Entities/cts_Project/Entity.xml"
cp "$fixture/candidate/Other/Solution.xml" "$solution/Other/Solution.xml"
git add -A
commit raised-only "Remove cts_code, version raised"
check "the commit is refused for attribute-removed alone" \
  equals "$code/$(grep -c 'version-not-incremented' "$log")" "1/0"
check "the report names attribute-removed" has_text "$log" "attribute-removed"

echo "== the solution and its git:HEAD baseline listed in dvlint.yaml, hook args: []"
git reset --quiet --hard # drop the refused change
git checkout --quiet -b policy-listed main~2
printf 'solutions:\n  - path: %s\n    baseline: "git:HEAD"\n' "$solution" >dvlint.yaml
{
  echo "repos:"
  echo "  - repo: $ROOT"
  echo "    rev: $rev"
  echo "    hooks:"
  echo "      - id: dvlint-system"
  echo "        args: []"
} >.pre-commit-config.yaml
git add -A
commit policy-config "List the solution in dvlint.yaml"
check "a commit that changes only the configuration runs no hook" equals "$code" 0
cp "$fixture/candidate/Entities/cts_Project/Entity.xml" "$solution/Entities/cts_Project/Entity.xml"
git add -A
commit policy-drop "Remove cts_code"
check "dvlint-system with args: [] checks the listed solution against git:HEAD, refuses the commit" \
  equals "$code/$(grep -c '^attribute-removed$' "$log")/$(grep -c '^version-not-incremented$' "$log")" "1/1/1"

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
