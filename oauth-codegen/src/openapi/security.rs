//! Security schemes into provider declarations: each OAuth2 flow the SDK can run becomes one
//! `#[oauth_provider]` struct; every other scheme is reported, never dropped in silence.

use serde_yaml_ng::Value;

use super::doc::{Doc, at, entries, str_at};
use crate::{ir::ProviderDecl, names::pascal, report::Report};

/// The providers of the document's OAuth2 flows, named `{vendor}{Flow}`.
pub(crate) fn providers(doc: &Doc, vendor: &str, base_url: Option<&str>, report: &mut Report) -> Vec<ProviderDecl> {
    let mut out = Vec::new();
    let schemes =
        at(&doc.root, "components").map(|c| entries(c, "securitySchemes").collect::<Vec<_>>()).unwrap_or_default();
    // With several OAuth2 schemes, each provider is named after its scheme too.
    let oauth_schemes =
        schemes.iter().filter(|(_, s)| doc.deref(s).and_then(|s| str_at(s, "type")) == Some("oauth2")).count();
    for (name, scheme) in schemes {
        let at_ptr = format!("#/components/securitySchemes/{}", crate::report::pointer_segment(name));
        let Some(scheme) = doc.deref(scheme) else { continue };
        match str_at(scheme, "type") {
            Some("oauth2") => {
                for (flow, spec) in entries(scheme, "flows") {
                    let flow_ptr = format!("{at_ptr}/flows/{flow}");
                    if let Some(mut p) = provider(vendor, name, flow, spec, base_url, &flow_ptr, report) {
                        if oauth_schemes > 1 {
                            p.name = format!("{}{}{}", pascal(vendor), pascal(name), pascal(flow));
                        }
                        out.push(p);
                    }
                }
            }
            Some(kind) => {
                let what = match (kind, str_at(scheme, "scheme")) {
                    ("http", Some(s)) => format!("security scheme `{name}` (HTTP {s})"),
                    _ => format!("security scheme `{name}` ({kind})"),
                };
                report.note(
                    at_ptr,
                    what,
                    "not handled by this SDK, which sends OAuth2 tokens: no client is generated for it",
                );
            }
            None => {}
        }
    }
    // Two schemes with the same flow would make the same name.
    let mut names = crate::names::Unique::default();
    for p in &mut out {
        p.name = names.claim(p.name.clone());
    }
    out
}

fn provider(
    vendor: &str,
    scheme: &str,
    flow: &str,
    spec: &Value,
    base_url: Option<&str>,
    at_ptr: &str,
    report: &mut Report,
) -> Option<ProviderDecl> {
    let (grant, fields, label): (&'static str, Vec<(&'static str, bool)>, &str) = match flow {
        "clientCredentials" => {
            ("client_credentials", vec![("client_id", false), ("client_secret", true)], "client credentials")
        }
        "password" => (
            "password",
            vec![("client_id", false), ("client_secret", true), ("username", false), ("password", true)],
            "password",
        ),
        "authorizationCode" => {
            ("authorization_code", vec![("client_id", false), ("client_secret", true)], "authorization code")
        }
        "deviceAuthorization" => ("device_code", vec![("client_id", false)], "device authorization"),
        "implicit" => {
            report.note(
                at_ptr,
                format!("the implicit flow of `{scheme}`"),
                "not generated: OAuth 2.1 and RFC 9700 retire it",
            );
            return None;
        }
        other => {
            report.note(at_ptr, format!("the `{other}` flow of `{scheme}`"), "not generated: unknown flow");
            return None;
        }
    };
    let Some(token_url) = str_at(spec, "tokenUrl") else {
        report.note(at_ptr, "a flow without `tokenUrl`", "not generated");
        return None;
    };
    let api_origin = base_url.and_then(origin);
    let Some((token_origin, token_path)) = split(token_url).or_else(|| Some((api_origin?, token_url.to_owned())))
    else {
        report.note(
            at_ptr,
            format!("a relative `tokenUrl` ({token_url}) without an absolute server URL"),
            "not generated",
        );
        return None;
    };
    let mut decl = ProviderDecl {
        name: format!("{}{}", pascal(vendor), pascal(flow)),
        docs: vec![
            format!("{vendor}: the OAuth2 {label} flow of the document's `{scheme}` scheme."),
            String::new(),
            format!("Tokens from `{token_url}`."),
        ],
        grant,
        auth_base_url: Some(token_origin.clone()).filter(|o| base_url.is_none_or(|b| b.trim_end_matches('/') != *o)),
        base_url: base_url.map(str::to_owned),
        token_path,
        refresh_path: None,
        authorization_path: None,
        authorization_base_url: None,
        device_authorization_path: None,
        // Not in the document; RFC 6749 section 2.3.1 makes every server accept HTTP Basic.
        client_auth: if flow == "deviceAuthorization" { "none" } else { "basic" },
        fields,
        scheme: scheme.to_owned(),
        default_scope: None,
        scopes: entries(spec, "scopes")
            .map(|(k, v)| (k.to_owned(), v.as_str().unwrap_or_default().to_owned()))
            .collect(),
    };
    if let Some(refresh) = str_at(spec, "refreshUrl") {
        match split(refresh) {
            Some((o, path)) if o == token_origin => decl.refresh_path = Some(path).filter(|p| *p != decl.token_path),
            _ => report.note(
                at_ptr,
                format!("`refreshUrl` {refresh} on another origin than the token URL"),
                "refreshes go to the token URL",
            ),
        }
    }
    match flow {
        "authorizationCode" => match str_at(spec, "authorizationUrl").and_then(split) {
            Some((o, path)) if o == token_origin => decl.authorization_path = Some(path),
            // A browser may go to another host (`authorization_base_url`), named per base URL.
            Some((o, path)) if decl.base_url.is_some() => {
                decl.authorization_path = Some(path);
                decl.authorization_base_url = Some(o);
            }
            found => {
                let why = if found.is_some() {
                    "on another host, and the document names no absolute server URL"
                } else {
                    "missing or relative"
                };
                report.note(
                    at_ptr,
                    format!("the `authorizationUrl` of `{scheme}` is {why}"),
                    "generated as `grant = \"refresh_token\"`: seed the client with a refresh token obtained elsewhere (`ClientBuilder::refresh_token`)",
                );
                decl.grant = "refresh_token";
            }
        },
        "deviceAuthorization" => match str_at(spec, "deviceAuthorizationUrl").and_then(split) {
            Some((o, path)) if o == token_origin => decl.device_authorization_path = Some(path),
            _ => {
                report.note(
                    at_ptr,
                    format!("the `deviceAuthorizationUrl` of `{scheme}` is missing, relative or on another host than the token URL"),
                    "generated as `grant = \"refresh_token\"`: seed the client with a refresh token obtained elsewhere (`ClientBuilder::refresh_token`)",
                );
                decl.grant = "refresh_token";
            }
        },
        _ => {}
    }
    decl.docs.push(String::new());
    decl.docs.push(
        "The client authentication is not in the document: HTTP Basic, which RFC 6749 section 2.3.1 has every server accept."
            .to_owned(),
    );
    Some(decl)
}

/// The scopes operations need from the document's OAuth2 schemes (RFC 6749 section 3.3), read
/// once per document: each operation's `security`, else the document's.
///
/// OpenAPI makes a requirement's scope list all required, and the alternatives of a `security`
/// list each enough. The first alternative that names an OAuth2 scheme is the one generated
/// (the SDK sends OAuth2 tokens, and the document lists its preferred way first); others are
/// reported. A scope the scheme itself describes as deprecated (Figma's `files:read`, listed
/// beside its successor) is left out of a list that has others, since a list so written means
/// "either": asking a person for a scope the vendor retired can fail the authorization.
pub(crate) struct Security {
    /// The OAuth2 schemes, by name, with the scopes their flows describe as deprecated.
    schemes: Vec<(String, Vec<String>)>,
    /// The deprecated scopes already reported.
    noted: Vec<String>,
}

/// What an operation needs of an OAuth2 scheme.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Requirement {
    /// The scheme (`None`: the operation names none of the document's OAuth2 schemes).
    pub scheme: Option<String>,
    /// Its scopes, each a scope token, each once.
    pub scopes: Vec<String>,
}

impl Security {
    pub(crate) fn new(doc: &Doc) -> Security {
        let schemes = at(&doc.root, "components")
            .map(|c| entries(c, "securitySchemes").collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(name, scheme)| {
                let scheme = doc.deref(scheme)?;
                (str_at(scheme, "type") == Some("oauth2")).then(|| {
                    let deprecated = entries(scheme, "flows")
                        .flat_map(|(_, flow)| entries(flow, "scopes"))
                        .filter(|(_, what)| {
                            what.as_str().is_some_and(|w| w.trim_start().to_ascii_lowercase().starts_with("deprecated"))
                        })
                        .map(|(scope, _)| scope.to_owned())
                        .collect();
                    (name.to_owned(), deprecated)
                })
            })
            .collect();
        Security { schemes, noted: Vec::new() }
    }

    /// What the operation `op` (at `at_ptr`) needs, with what is not generated as declared
    /// reported.
    pub(crate) fn requirement(&mut self, doc: &Doc, op: &Value, at_ptr: &str, report: &mut Report) -> Requirement {
        let (alternatives, ptr) = match at(op, "security") {
            Some(own) => (own, format!("{at_ptr}/security")),
            None => match at(&doc.root, "security") {
                Some(document) => (document, "#/security".to_owned()),
                None => return Requirement::default(),
            },
        };
        let alternatives: Vec<&serde_yaml_ng::Mapping> =
            alternatives.as_sequence().into_iter().flatten().filter_map(Value::as_mapping).collect();
        if alternatives.is_empty() {
            report.note(
                at_ptr,
                "no security requirement (`security: []`): the operation needs no token",
                "generated as the others: the call carries the client's token (typed operations always do)",
            );
            return Requirement::default();
        }
        let is_oauth = |name: &str| self.schemes.iter().any(|(n, _)| n == name);
        let mut oauth = alternatives.iter().filter(|alt| alt.keys().filter_map(Value::as_str).any(is_oauth));
        let Some(chosen) = oauth.next() else { return Requirement::default() };
        if oauth.any(|alt| alt != chosen) {
            report.note(
                &ptr,
                "OAuth2 requirements that are alternatives (any one is enough)",
                "the first is generated",
            );
        }
        let mut requirement = Requirement::default();
        for (name, scopes) in chosen.iter() {
            let Some(name) = name.as_str() else { continue };
            if !is_oauth(name) {
                report.note(
                    &ptr,
                    format!("the security scheme `{name}` beside the OAuth2 one, both required"),
                    "the call carries the OAuth2 token alone",
                );
                continue;
            }
            requirement.scheme.get_or_insert_with(|| name.to_owned());
            for scope in scopes.as_sequence().into_iter().flatten() {
                let Some(scope) = scope.as_str() else { continue };
                match crate::operations::parse_scopes(scope).as_deref() {
                    Ok([one]) if !requirement.scopes.contains(one) => requirement.scopes.push(one.clone()),
                    Ok([_]) => {}
                    _ => report.note(
                        &ptr,
                        format!("the scope {scope:?}, which is not one scope token (RFC 6749 section 3.3)"),
                        "left out of the operation's scopes",
                    ),
                }
            }
        }
        self.leave_out_deprecated(&mut requirement, report);
        requirement
    }

    /// Drops, from a list with other scopes, those the scheme describes as deprecated.
    fn leave_out_deprecated(&mut self, requirement: &mut Requirement, report: &mut Report) {
        let Some(scheme) = &requirement.scheme else { return };
        let Some((_, deprecated)) = self.schemes.iter().find(|(n, _)| n == scheme) else { return };
        if requirement.scopes.iter().all(|s| deprecated.contains(s)) {
            return;
        }
        for scope in requirement.scopes.iter().filter(|s| deprecated.contains(s)) {
            if !self.noted.contains(scope) {
                self.noted.push(scope.clone());
                report.note(
                    format!("#/components/securitySchemes/{}", crate::report::pointer_segment(scheme)),
                    format!("the scope `{scope}`, described as deprecated, listed with others by operations"),
                    "left out of those operations' scopes and of the default scope: the others are asked for",
                );
            }
        }
        requirement.scopes.retain(|s| !deprecated.contains(s));
    }
}

/// Sets the default scope of the providers of flows that need a person (authorization code,
/// device): every scope the generated operations need of the provider's scheme, in their
/// order, so that the person is asked once for all of them (a new scope would need a new
/// authorization). `requirements` are the operations'.
pub(crate) fn default_scopes(providers: &mut [ProviderDecl], requirements: &[&Requirement]) {
    for provider in providers.iter_mut().filter(|p| matches!(p.grant, "authorization_code" | "device_code")) {
        let mut scopes: Vec<String> = Vec::new();
        for requirement in requirements.iter().filter(|r| r.scheme.as_deref() == Some(&provider.scheme)) {
            for scope in &requirement.scopes {
                if !scopes.contains(scope) {
                    scopes.push(scope.clone());
                }
            }
        }
        provider.default_scope = (!scopes.is_empty()).then(|| scopes.join(" "));
    }
}

/// `https://host:port/path` into `("https://host:port", "/path")`.
fn split(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    Some((format!("{scheme}://{host}"), format!("/{path}")))
}

fn origin(url: &str) -> Option<String> {
    split(url).map(|(o, _)| o)
}

/// The document's first server URL, its variables at their defaults; `None` when relative.
pub(crate) fn base_url(doc: &Doc) -> Option<String> {
    let server = super::doc::items(&doc.root, "servers").next()?;
    let mut url = str_at(server, "url")?.to_owned();
    for (name, variable) in entries(server, "variables") {
        if let Some(default) = str_at(variable, "default") {
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    (url.contains("://") && !url.contains('{')).then(|| url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn urls_split_into_origin_and_path() {
        assert_eq!(
            split("https://api.figma.com/v1/oauth/token"),
            Some(("https://api.figma.com".into(), "/v1/oauth/token".into()))
        );
        assert_eq!(split("https://h:8443"), Some(("https://h:8443".into(), "/".into())));
        assert_eq!(split("/relative"), None);
    }
}
