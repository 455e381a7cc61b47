//! Generates the modules of `src/lib.rs` into `OUT_DIR`: oauth-codegen's fixture `shop.yaml`, and
//! the real vendor documents `scripts/fetch-openapi.sh` puts in `target/openapi/` (run by
//! `scripts/setup.sh`; a missing document fails the build with the command to run).

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().ok_or("no workspace")?.to_owned();
    let docs = root.join("target/openapi");
    let real = |path: &str| -> Result<PathBuf, String> {
        let file = docs.join(path);
        if file.exists() {
            Ok(file)
        } else {
            Err(format!("{} is missing: run `bash scripts/fetch-openapi.sh` (scripts/setup.sh does)", file.display()))
        }
    };
    println!("cargo::rerun-if-changed=build.rs");

    let shop = root.join("oauth-codegen/tests/fixtures/shop.yaml");
    oauth_codegen::openapi(&shop).write(&out)?;
    // The same operations as the generator core expands them, with no `#[oauth_api]` to run.
    let expanded = oauth_codegen::openapi(&shop).expanded().generate()?;
    std::fs::write(out.join("shop_expanded.rs"), expanded.source)?;
    oauth_codegen::openapi(real("figma/openapi.yaml")?).vendor("Figma").write(&out)?;
    oauth_codegen::openapi(real("apis-guru/sell-marketing.json")?)
        .vendor("Ebay")
        .trait_name("EbayMarketingApi")
        .write(&out)?;
    oauth_codegen::openapi(real("apis-guru/vercel.com.json")?).vendor("Vercel").write(&out)?;

    // Twenty GitHub operations, for the generated client's end-to-end test and the compile
    // time of a subset (BENCHMARKS.md).
    let github = real("github/api.github.com.json")?;
    let mut subset = oauth_codegen::openapi(&github).provider("oauth_specs::GitHub").trait_name("GitHubSubsetApi");
    for id in GITHUB_SUBSET {
        subset = subset.operation(*id);
    }
    let generated = subset.generate()?;
    std::fs::write(out.join("github_subset.rs"), generated.source)?;
    // Its two uploads: a release asset (octet-stream) and Markdown rendered from text.
    let uploads = oauth_codegen::openapi(&github)
        .provider("oauth_specs::GitHub")
        .trait_name("GitHubUploadsApi")
        .operation("repos/upload-release-asset")
        .operation("markdown/render-raw")
        .generate()?;
    std::fs::write(out.join("github_uploads.rs"), uploads.source)?;
    println!("cargo::rerun-if-changed={}", github.display());
    if std::env::var_os("CARGO_FEATURE_GITHUB_FULL").is_some() {
        oauth_codegen::openapi(&github).provider("oauth_specs::GitHub").write(&out)?;
    }
    Ok(())
}

/// The subset: repositories, issues, pulls, users and the rate limit.
const GITHUB_SUBSET: &[&str] = &[
    "meta/root",
    "rate-limit/get",
    "users/get-authenticated",
    "users/get-by-username",
    "repos/get",
    "repos/list-for-org",
    "repos/create-for-authenticated-user",
    "repos/list-branches",
    "repos/get-branch",
    "repos/list-tags",
    "issues/list-for-repo",
    "issues/get",
    "issues/create",
    "issues/update",
    "issues/list-comments",
    "issues/create-comment",
    "pulls/list",
    "pulls/get",
    "pulls/create",
    "search/repos",
];
