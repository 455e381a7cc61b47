#!/usr/bin/env python3
"""Item 5 of BENCHMARKS.md: what a vendor definition costs at build time.

1. Lines of code per vendor definition, as written in `specs/src/` and as expanded by
   `#[oauth_provider]` (rustc's own expansion, `-Zunpretty=expanded`), doc comments and
   blank lines not counted.
2. A clean `cargo build --workspace --all-targets` (dev profile: libraries, tests, examples,
   benches) into a fresh target directory, then the same build after touching one
   definition, which rebuilds `oauth-specs` and everything that uses it, three times.

Run from the repository root: `python3 benches/build_cost.py` (about two minutes on 2 cores;
`--lines` for part 1 alone). It needs nothing but cargo; the bootstrap switch lets the stable
compiler print its expansion.
"""

import os
import re
import subprocess
import sys
import tempfile
import time

VENDORS = ["mps_monitor", "monta", "deyel", "microbilt"]
DOC = re.compile(r'#\[doc\s*=\s*"(?:[^"\\]|\\.)*"\]', re.S)


def code_lines(text):
    text = DOC.sub("", text)
    lines = [line.strip() for line in text.splitlines()]
    return sum(1 for line in lines if line and not line.startswith("//"))


def modules(expanded):
    """The text of each top-level `mod name { ... }` of the expanded crate."""
    out = {}
    for match in re.finditer(r"^mod (\w+) \{$", expanded, re.M):
        end = expanded.find("\n}\n", match.end())
        out[match.group(1)] = expanded[match.end() : end]
    return out


def lines():
    env = dict(os.environ, RUSTC_BOOTSTRAP="1")
    expanded = subprocess.run(
        ["cargo", "rustc", "-q", "-p", "oauth-specs", "--lib", "--profile", "check", "--", "-Zunpretty=expanded"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout
    mods = modules(expanded)
    print("| definition | structs | source lines | expanded lines | added by the macro |")
    print("|---|---|---|---|---|")
    for vendor in VENDORS:
        with open(f"specs/src/{vendor}.rs") as f:
            source = f.read()
        structs = len(re.findall(r"#\[oauth_provider", source))
        src, exp = code_lines(source), code_lines(mods[vendor])
        print(f"| `specs/src/{vendor}.rs` | {structs} | {src} | {exp} | {exp - src} |")


def timed(cmd, env):
    start = time.monotonic()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start


def build_times():
    with tempfile.TemporaryDirectory() as target:
        env = dict(os.environ, CARGO_TARGET_DIR=target)
        subprocess.run(["cargo", "fetch", "-q"], check=True)
        clean = timed(["cargo", "build", "-q", "--workspace", "--all-targets"], env)
        print(f"clean `cargo build --workspace --all-targets` (dev): {clean:.1f} s")
        for _ in range(3):
            os.utime("specs/src/monta.rs")
            rebuild = timed(["cargo", "build", "-q", "--workspace", "--all-targets"], env)
            print(f"rebuild after touching specs/src/monta.rs: {rebuild:.2f} s")


if __name__ == "__main__":
    lines()
    if "--lines" not in sys.argv:
        build_times()
