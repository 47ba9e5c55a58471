#!/usr/bin/env python3
"""Runs a composite action's steps the way the GitHub Actions runner does, offline.

    run_action.py ACTION_YML [--input NAME=VALUE]... [--steps ID,ID] [--outputs FILE]
                  [--step-outputs FILE] [--extract DIR]

For each step (all `shell: bash` run steps, no `uses:`): evaluates the `env:` expressions
(`inputs.*`, `github.*`, `runner.*`, `steps.<id>.outputs.*`, `env.*`; anything else is an error),
refuses `${{ }}` inside `run:` (inputs reach scripts through env only), writes the script to a file
and runs `bash --noprofile --norc -eo pipefail FILE` in the current folder with a fresh
GITHUB_OUTPUT, GITHUB_PATH and GITHUB_ENV, whose contents feed the later steps like the runner
does. Stops at the first failing step, as the runner does. Then evaluates the action's `outputs:`
and appends them (`name=value`) to --outputs (by default $GITHUB_OUTPUT), as a workflow sees them.
Exits with the first failing step's exit code, or 0. --step-outputs also appends every step's
outputs as `id.name=value`; --extract DIR only writes each step's script to DIR/<id>.sh (for
shellcheck) and runs nothing.

The GitHub context comes from the environment: GITHUB_ACTION_PATH, GITHUB_EVENT_NAME,
GITHUB_BASE_REF, GITHUB_WORKSPACE, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def read_output_file(path):
    """Parses a GITHUB_OUTPUT / GITHUB_ENV file: `name=value` lines and `name<<EOF` blocks."""
    values = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            i += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise SystemExit(f"run_action: malformed line in {path}: {line!r}")
    return values


class Context:
    def __init__(self, inputs, env):
        self.inputs = inputs
        self.env = env
        self.steps = {}
        self.github = {
            "action_path": env.get("GITHUB_ACTION_PATH", ""),
            "action_repository": env.get("GITHUB_ACTION_REPOSITORY", ""),
            "event_name": env.get("GITHUB_EVENT_NAME", ""),
            "base_ref": env.get("GITHUB_BASE_REF", ""),
            "head_ref": env.get("GITHUB_HEAD_REF", ""),
            "workspace": env.get("GITHUB_WORKSPACE", os.getcwd()),
            "repository": env.get("GITHUB_REPOSITORY", ""),
            # The job's token: the test's stand-in, never a real one.
            "token": env.get("GITHUB_TOKEN", ""),
        }
        # The event payload, as GitHub writes it to GITHUB_EVENT_PATH.
        self.event = {}
        if env.get("GITHUB_EVENT_PATH"):
            with open(env["GITHUB_EVENT_PATH"], encoding="utf-8") as f:
                self.event = json.load(f)
        self.runner = {
            "os": env.get("RUNNER_OS", ""),
            "arch": env.get("RUNNER_ARCH", ""),
            "temp": env.get("RUNNER_TEMP", ""),
        }

    def lookup(self, expression):
        parts = expression.split(".")
        if not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", p) for p in parts):
            raise SystemExit(f"run_action: unsupported expression `{expression}`")
        head, rest = parts[0], parts[1:]
        if head == "inputs" and len(rest) == 1:
            if rest[0] not in self.inputs:
                raise SystemExit(f"run_action: `{expression}` names no input of the action")
            return self.inputs[rest[0]]
        if head == "github" and len(rest) > 1 and rest[0] == "event":
            value = self.event
            for key in rest[1:]:
                value = value.get(key, "") if isinstance(value, dict) else ""
            return "" if isinstance(value, (dict, list)) else str(value)
        if head in ("github", "runner") and len(rest) == 1:
            table = self.github if head == "github" else self.runner
            if rest[0] not in table:
                raise SystemExit(f"run_action: `{expression}` is not emulated")
            return table[rest[0]]
        if head == "env" and len(rest) == 1:
            return self.env.get(rest[0], "")
        if head == "steps" and len(rest) == 3 and rest[1] == "outputs":
            return self.steps.get(rest[0], {}).get(rest[2], "")
        raise SystemExit(f"run_action: unsupported expression `{expression}`")

    def evaluate(self, text):
        if text is None:
            return ""
        if isinstance(text, bool):
            return str(text).lower()
        if not isinstance(text, str):
            return str(text)
        return EXPRESSION.sub(lambda m: self.lookup(m.group(1)), text)


def main():
    work = tempfile.mkdtemp(prefix="run-action-", dir=os.environ.get("RUNNER_TEMP") or None)
    try:
        return run(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work):
    parser = argparse.ArgumentParser()
    parser.add_argument("action")
    parser.add_argument("--input", action="append", default=[])
    parser.add_argument("--steps", default="")
    parser.add_argument("--outputs", default=os.environ.get("GITHUB_OUTPUT", ""))
    parser.add_argument("--step-outputs", default="")
    parser.add_argument("--extract", default="")
    args = parser.parse_args()

    with open(args.action, encoding="utf-8") as f:
        action = yaml.safe_load(f)
    if action.get("runs", {}).get("using") != "composite":
        raise SystemExit("run_action: not a composite action")

    inputs = {}
    for name, spec in (action.get("inputs") or {}).items():
        inputs[name] = "" if spec.get("default") is None else str(spec.get("default"))
    for item in args.input:
        name, _, value = item.partition("=")
        if name not in inputs:
            raise SystemExit(f"run_action: the action has no input `{name}`")
        inputs[name] = value

    env = dict(os.environ)
    context = Context(inputs, env)
    only = {s for s in args.steps.split(",") if s}
    extra_path = []
    failed = 0

    for index, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"__{index}")
        unknown = set(step) - {"name", "id", "shell", "env", "run"}
        if unknown:
            raise SystemExit(f"run_action: step {step_id} uses {sorted(unknown)}, which is not emulated")
        if step.get("shell") != "bash":
            raise SystemExit(f"run_action: step {step_id} is not `shell: bash`")
        script = step["run"]
        if "${{" in script:
            raise SystemExit(f"run_action: step {step_id} has an expression in `run:`; pass it through `env:`")
        if args.extract:
            with open(os.path.join(args.extract, f"{step_id}.sh"), "w", encoding="utf-8") as f:
                f.write("#!/usr/bin/env bash\nset -eo pipefail\n" + script)
            continue
        if only and step_id not in only:
            continue

        step_env = dict(env)
        for name, value in (step.get("env") or {}).items():
            step_env[name] = context.evaluate(value)
        files = {}
        for name in ("GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_ENV"):
            fd, files[name] = tempfile.mkstemp(prefix=f"{step_id}-{name}-", dir=work)
            os.close(fd)
            step_env[name] = files[name]
        step_env["PATH"] = os.pathsep.join(extra_path + [env.get("PATH", "")])
        script_file = os.path.join(work, f"{step_id}.sh")
        with open(script_file, "w", encoding="utf-8") as f:
            f.write(script)

        print(f"run_action: step `{step.get('name', step_id)}`", file=sys.stderr, flush=True)
        code = subprocess.call(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", script_file], env=step_env
        )
        context.steps[step_id] = read_output_file(files["GITHUB_OUTPUT"])
        with open(files["GITHUB_PATH"], encoding="utf-8") as f:
            extra_path = [line for line in f.read().splitlines() if line][::-1] + extra_path
        env.update(read_output_file(files["GITHUB_ENV"]))
        if code != 0:
            print(f"run_action: step `{step_id}` failed with exit code {code}", file=sys.stderr)
            failed = code
            break

    if args.extract:
        return 0
    if args.step_outputs:
        with open(args.step_outputs, "a", encoding="utf-8") as f:
            for step_id, outputs in context.steps.items():
                for name, value in outputs.items():
                    f.write(f"{step_id}.{name}={value}\n")
    if args.outputs:
        with open(args.outputs, "a", encoding="utf-8") as f:
            for name, spec in (action.get("outputs") or {}).items():
                f.write(f"{name}={context.evaluate(spec.get('value', ''))}\n")
    return failed


if __name__ == "__main__":
    sys.exit(main())
