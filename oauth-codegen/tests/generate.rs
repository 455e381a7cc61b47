//! The generator on its fixtures: the module it writes (reviewed snapshots, rustfmt-formatted
//! by the generator's own formatting), and the report of what it does not generate. That the
//! modules compile and work is `codegen-tests`' part.

use oauth_codegen::{Error, Options, generate, rustfmt};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn the_shop_fixture_generates_this_module() {
    let generated = generate(&fixture("shop.yaml"), "shop.yaml", &Options::default()).unwrap();
    assert_eq!((generated.operations, generated.types), (13, 18));
    insta::assert_snapshot!(
        "shop",
        rustfmt(&generated.source).expect("rustfmt is installed (rustup component add rustfmt)")
    );
    insta::assert_snapshot!("shop_report", generated.report.to_string());
}

#[test]
fn what_is_not_generated_is_reported_at_its_place() {
    // Its only OAuth2 flow it can run has a relative token URL and no absolute server.
    let refused = generate(&fixture("unsupported.yaml"), "unsupported.yaml", &Options::default()).unwrap_err();
    assert!(matches!(refused, Error::NoProvider { .. }), "{refused}");
    let mut options = Options::default();
    options.providers.push("crate::Odd".into());
    let generated = generate(&fixture("unsupported.yaml"), "unsupported.yaml", &options).unwrap();
    insta::assert_snapshot!("unsupported_report", generated.report.to_string());
    insta::assert_snapshot!("unsupported", rustfmt(&generated.source).expect("rustfmt is installed"));
}

#[test]
fn a_selection_generates_only_what_its_operations_reach() {
    let mut options = Options::default();
    options.selection.operation_ids.push("getInvoice".into());
    let generated = generate(&fixture("shop.yaml"), "shop.yaml", &options).unwrap();
    assert_eq!((generated.operations, generated.types), (1, 0));
    options.selection = Default::default();
    options.selection.tags.push("orders".into());
    let orders = generate(&fixture("shop.yaml"), "shop.yaml", &options).unwrap();
    assert_eq!(orders.operations, 5);
    assert!(!orders.source.contains("RateOrderRequest"), "{}", orders.source);
    options.selection = Default::default();
    options.selection.path_prefixes.push("/orders/{orderId}".into());
    assert_eq!(generate(&fixture("shop.yaml"), "shop.yaml", &options).unwrap().operations, 4);
}

#[test]
fn documents_it_cannot_read_are_refused_with_what_to_do() {
    let swagger = generate(r#"{"swagger": "2.0", "paths": {}}"#, "old.json", &Options::default()).unwrap_err();
    assert!(matches!(swagger, Error::Version { .. }));
    assert!(swagger.to_string().contains("found swagger 2.0"), "{swagger}");
    let broken = generate("openapi: 3.1.0\npaths: [", "broken.yaml", &Options::default()).unwrap_err();
    assert!(matches!(broken, Error::Parse { .. }), "{broken}");
    let html = generate("<html>502 Bad Gateway</html>", "page.html", &Options::default()).unwrap_err();
    assert!(matches!(html, Error::Parse { .. } | Error::Version { .. }), "{html}");
    let none = generate("openapi: 3.0.0\ninfo: {title: X, version: '1'}\npaths: {}\n", "x.yaml", &Options::default())
        .unwrap_err();
    assert!(matches!(none, Error::NoProvider { .. }));
    assert!(none.to_string().contains("--provider"), "{none}");
}

#[test]
fn a_named_provider_replaces_the_documents_flows() {
    let mut options = Options::default();
    options.providers.push("crate::MyShop".into());
    let generated = generate(&fixture("shop.yaml"), "shop.yaml", &options).unwrap();
    assert!(generated.source.contains("client = crate::MyShop"), "{}", generated.source);
    assert!(!generated.source.contains("oauth_provider"));
}

#[test]
fn placeholders_that_are_no_identifiers_are_named_after_their_argument() {
    let document = r#"{
      "openapi": "3.0.3",
      "info": {"title": "T", "version": "1"},
      "paths": {"/teams/{enterprise-team}/members/{memberId}": {"get": {
        "operationId": "members/list",
        "parameters": [
          {"name": "enterprise-team", "in": "path", "required": true, "schema": {"type": "string"}},
          {"name": "memberId", "in": "path", "required": true, "schema": {"type": "integer"}}
        ],
        "responses": {"204": {"description": "none"}}
      }}}
    }"#;
    let mut options = Options::default();
    options.providers.push("crate::T".into());
    let source = generate(document, "t.json", &options).unwrap().source;
    // GitHub's `{enterprise-team}`: the template names the argument; `{memberId}` stays as the
    // document writes it, bound by `#[path]`.
    assert!(source.contains(r#""/teams/{enterprise_team}/members/{memberId}""#), "{source}");
    assert!(source.contains("enterprise_team: &str"), "{source}");
    assert!(source.contains(r#"#[path("memberId")]"#), "{source}");
}

#[test]
fn a_persons_flow_asks_for_the_scopes_of_the_generated_operations() {
    let document = r#"
openapi: 3.1.0
info: { title: Notes, version: "1" }
servers: [{ url: https://api.notes.example }]
security: [{ oauth: [notes:read] }]
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        authorizationCode:
          authorizationUrl: https://api.notes.example/authorize
          tokenUrl: https://api.notes.example/token
          scopes: { notes:read: Read, notes:write: Write, all: Deprecated. Use notes:read. }
        clientCredentials:
          tokenUrl: https://api.notes.example/token
          scopes: {}
paths:
  /notes:
    get: { operationId: listNotes, tags: [read], responses: { "204": { description: ok } } }
    post:
      operationId: addNote
      security: [{ oauth: [notes:write, all] }]
      responses: { "204": { description: ok } }
"#;
    let source = generate(document, "notes.yaml", &Options::default()).unwrap().source;
    // The attribute comes between the struct's docs and its name.
    let person =
        (source.find("authorization code flow").unwrap(), source.find("pub struct NotesAuthorizationCode").unwrap());
    let defaults: Vec<usize> =
        source.match_indices(r#"params(scope = "notes:read notes:write")"#).map(|(i, _)| i).collect();
    assert_eq!(defaults.len(), 1, "once, on the person's flow alone: {source}");
    assert!(person.0 < defaults[0] && defaults[0] < person.1, "{source}");
    assert!(source.contains(r#"scopes = "notes:write""#), "the deprecated `all` left out: {source}");
    // Fewer operations, fewer scopes to ask a person for.
    let mut options = Options::default();
    options.selection.tags.push("read".into());
    let read_only = generate(document, "notes.yaml", &options).unwrap().source;
    assert!(read_only.contains(r#"params(scope = "notes:read")"#), "{read_only}");
}
