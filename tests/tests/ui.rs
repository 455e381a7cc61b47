//! Compile-time behaviour of `#[oauth_provider]`: every feature compiles (`ui/pass`), and every
//! mistake is rejected at the right token with a message that says what to write (`ui/fail`).
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p oauth-tests --test ui`
//! and read every changed `.stderr` before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
