#!/usr/bin/env bash
# Compile time of GitHub's whole generated module in its two forms, the `#[oauth_api]` trait
# and `--expanded`, side by side (BENCHMARKS.md section 12). Builds a scratch workspace outside
# the repository (default: a new temporary directory; or the directory given), its dependencies
# first, then times `cargo check` and `cargo build` of each form after `touch src/lib.rs`, with
# and without incremental compilation, the forms alternating, for ROUNDS rounds (default 2).
# Run it on a quiet machine: nothing else building, `uptime` under 0.5 before it starts.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$(mktemp -d)}"
rounds="${ROUNDS:-2}"
doc="$repo/target/openapi/github/api.github.com.json"
[ -f "$doc" ] || bash "$repo/scripts/fetch-openapi.sh" >/dev/null

cargo build -q --manifest-path "$repo/Cargo.toml" -p oauth-codegen
generate="$repo/target/debug/oauth-codegen"

mkdir -p "$dir"
# Generated from inside the scratch directory, so that rustfmt formats with its defaults (as in a
# crate of a user's without a rustfmt.toml), not with this repository's settings.
cd "$dir"
cat > "$dir/Cargo.toml" <<TOML
[workspace]
members = ["trait", "expanded"]
resolver = "2"

# This workspace's dev profile.
[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
TOML
cp "$repo/Cargo.lock" "$dir/"
for form in trait expanded; do
    mkdir -p "$dir/$form/src"
    cat > "$dir/$form/Cargo.toml" <<TOML
[package]
name = "cgb-$form"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
oauth-runtime = { path = "$repo/oauth-runtime", features = ["multipart"] }
oauth-specs = { path = "$repo/specs" }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
time = { version = "0.3", features = ["serde", "macros", "formatting", "parsing"] }
TOML
    printf '//! The generated module alone, for its compile time.\n#![allow(warnings, clippy::all)]\npub mod api;\n' \
        > "$dir/$form/src/lib.rs"
    flag=""
    [ "$form" = expanded ] && flag="--expanded"
    "$generate" generate "$doc" --provider oauth_specs::GitHub $flag --out "$dir/$form/src/api.rs" 2>/dev/null
done
wc -l "$dir"/*/src/api.rs

# Dependencies (and a first compile of each form), for both modes: not measured.
cargo build -q
cargo check -q
uptime
for round in $(seq 1 "$rounds"); do
    for form in trait expanded; do
        for mode in check build; do
            for incremental in 1 0; do
                touch "$form/src/lib.rs"
                load=$(cut -d' ' -f1 /proc/loadavg)
                /usr/bin/time -f "%e s %M KB" -o time.txt \
                    env CARGO_INCREMENTAL=$incremental cargo "$mode" -q -p "cgb-$form" 2>/dev/null
                echo "round=$round form=$form mode=$mode incremental=$incremental load=$load $(cat time.txt)"
            done
        done
    done
done
