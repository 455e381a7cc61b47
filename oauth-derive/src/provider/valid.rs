//! The rules that tie the attribute and the fields together, one function each.
//!
//! Every rule reports at the token to change and says what to write. A rule whose inputs are
//! unknown (an argument that could not be read) stays silent: the reading error already speaks.

use proc_macro2::Span;

use crate::arg::{Arg, Sp};
use crate::ctxt::Ctxt;
use crate::provider::ast::{Field, Input, is_secret_type, is_signing_key_type, is_type_named};
use crate::provider::attr::{Pair, base_url_const};
use crate::provider::model::Audience;
use crate::provider::model::default_refresh;
use crate::provider::path::FieldPathArg;
use crate::symbol::{
    BodyStyle, Choice, ClientAuth, Grant, InstantFormat, Presentation, RefreshKind, Role, SigningAlg, did_you_mean,
    name_of, unraw,
};

/// Runs every rule.
pub(crate) fn check(input: &Input<'_>, cx: &mut Ctxt) {
    not_generic(input, cx);
    no_oauth_on_the_struct(input, cx);
    grant_and_token_path_given(input, cx);
    grant_type_is_the_vendors_own(input, cx);
    paths_are_relative(input, cx);
    issuer_is_an_issuer(input, cx);
    base_urls_are_urls(input, cx);
    auth_base_urls_pair_with_base_urls(input, cx);
    names_are_not_empty(input, cx);
    expiry_given_once(input, cx);
    expires_at_has_a_format(input, cx);
    expires_format_needs_expires_at(input, cx);
    no_expiry_stands_alone(input, cx);
    refresh_settings_need_refresh(input, cx);
    dpop_alg_needs_dpop(input, cx);
    dpop_tokens_are_not_pinned_bearer(input, cx);
    endpoint_refresh_has_a_path(input, cx);
    grant_in_query_sends_the_grant(input, cx);
    lifetime_is_positive(input, cx);
    min_lifetime_is_positive(input, cx);
    path_keys_replace_plain_keys(input, cx);
    expires_in_path_stands_alone(input, cx);
    aliases_are_other_places(input, cx);
    expires_in_aliases_need_expires_in(input, cx);
    every_field_has_a_role(input, cx);
    role_said_once(input, cx);
    secrets_are_secret(input, cx);
    roles_are_unique(input, cx);
    wire_names_are_unique(input, cx);
    grant_has_its_fields(input, cx);
    basic_auth_has_its_fields(input, cx);
    certificates_are_identities(input, cx);
    tls_auth_has_its_fields(input, cx);
    signing_keys_are_keys(input, cx);
    signing_needs_a_key(input, cx);
    a_key_is_used(input, cx);
    client_assertions_have_their_fields(input, cx);
    assertion_keys_need_an_assertion(input, cx);
    signing_alg_suits_the_method(input, cx);
    assertion_audience_is_a_url(input, cx);
    assertion_lifetime_is_short(input, cx);
    person_grants_declare_their_endpoints(input, cx);
    endpoints_need_their_grant(input, cx);
    person_grants_send_their_grant_type(input, cx);
    person_grants_take_no_password(input, cx);
    refresh_only_refreshes(input, cx);
    error_status_is_an_answer(input, cx);
}

/// `Provider` carries one `'static` spec per type, so a type parameter has nowhere to go.
fn not_generic(input: &Input<'_>, cx: &mut Ctxt) {
    let generics = &input.item.generics;
    let msg = "#[oauth_provider] structs cannot be generic: a provider is one vendor with one spec; use \
               concrete field types such as `String` and `Secret`";
    if !generics.params.is_empty() {
        cx.error_spanned_by(generics, msg);
    } else if let Some(where_clause) = &generics.where_clause {
        cx.error_spanned_by(where_clause, msg);
    }
}

/// `#[oauth(..)]` is a field attribute; on the struct it would be silently ignored.
fn no_oauth_on_the_struct(input: &Input<'_>, cx: &mut Ctxt) {
    for attr in input.item.attrs.iter().filter(|a| a.path().is_ident("oauth")) {
        cx.error_spanned_by(
            attr,
            "#[oauth(..)] goes on fields; put settings for the whole struct in \
             #[oauth_provider(..)]",
        );
    }
}

/// Without a grant and a path there is no token request to describe.
fn grant_and_token_path_given(input: &Input<'_>, cx: &mut Ctxt) {
    if input.args.grant.is_absent() && input.args.grant_type.is_absent() {
        cx.error_at(
            Span::call_site(),
            "missing `grant`: add `grant = \"client_credentials\"` or `grant = \"password\"`, or \
             `grant_type = \"..\"` for a grant type of the vendor's own",
        );
    }
    if input.args.token_path.is_absent() {
        cx.error_at(
            Span::call_site(),
            "missing `token_path`: add the token endpoint's path, e.g. \
             `token_path = \"/oauth/token\"`",
        );
    }
}

/// `grant_type = ".."` names a grant type of the vendor's own, by its wire name (RFC 6749
/// section 4.5): one the runtime knows is written with `grant`, which checks its fields, and
/// a name that is not sent means nothing.
fn grant_type_is_the_vendors_own(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let Some(custom) = args.grant_type.given() else {
        return;
    };
    let name = &custom.value;
    if let Some(grant) = args.grant.given() {
        cx.error_at(
            custom.span,
            format!(
                "`grant_type` declares a grant type of the vendor's own, and `grant = \"{}\"` already \
                 names the grant: keep one",
                grant_name(grant.value)
            ),
        );
        return;
    }
    if name == "refresh_token" {
        cx.error_at(
            custom.span,
            "`refresh_token` renews tokens: declare the grant that obtains them and \
             `refresh = \"refresh_token_grant\"` for the renewal, or `grant = \"refresh_token\"` for a \
             client seeded with a refresh token a person obtained elsewhere",
        );
    } else if let Some((ours, _)) = Grant::VALUES.iter().find(|(_, g)| g.wire() == name) {
        cx.error_at(
            custom.span,
            format!("`grant_type = \"{name}\"` is a grant the runtime knows: write `grant = \"{ours}\"`"),
        );
    } else if name.is_empty() || !name.chars().all(|c| c.is_ascii_graphic()) {
        cx.error_at(
            custom.span,
            format!(
                "`grant_type = \"{}\"` is not a grant type name: letters, digits, `-`, `.`, `_`, or an \
                 absolute URI (RFC 6749 section 4.5)",
                name.escape_debug()
            ),
        );
    }
    if args.send_grant_type.given().is_some_and(|s| !s.value) {
        cx.error_at(
            custom.span,
            "`grant_type` is the name sent as `grant_type=..`, and `send_grant_type = false` sends none: \
             remove one",
        );
    }
}

/// `issuer = ".."` is an absolute `https` URL without query or fragment (RFC 8414 section 2),
/// or a path joined to the token base URL.
fn issuer_is_an_issuer(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(issuer) = input.args.issuer.given() else {
        return;
    };
    let value = &issuer.value;
    let absolute = value.starts_with("https://") || value.starts_with("http://");
    if value.contains(['?', '#']) {
        cx.error_at(issuer.span, "an issuer has no query and no fragment (RFC 8414 section 2): remove them");
    } else if value.chars().any(char::is_whitespace) {
        cx.error_at(issuer.span, "`issuer` contains whitespace: write it as the server publishes it");
    } else if !absolute && !value.starts_with('/') {
        // A host name was meant as a URL; anything else may be a path without its slash.
        let host = value.split('/').next().is_some_and(|first| first.contains('.'));
        let msg = if host {
            format!("`issuer` is an absolute URL: write `issuer = \"https://{value}\"`")
        } else {
            format!(
                "`issuer` is an absolute URL or a path under the token base URL: write \
                 `issuer = \"/{value}\"` or `issuer = \"https://..\"`"
            )
        };
        cx.error_at(issuer.span, msg);
    }
}

/// Paths are joined to a base URL chosen when the client is built, so they hold no host.
fn paths_are_relative(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let paths = [
        ("token_path", &args.token_path),
        ("refresh_path", &args.refresh_path),
        ("revocation_path", &args.revocation_path),
        ("device_authorization_path", &args.device_authorization_path),
        ("authorization_path", &args.authorization_path),
        ("par_path", &args.par_path),
        ("redirect_path", &args.redirect_path),
    ];
    for (key, path) in paths {
        let Some(path) = path.given() else { continue };
        let value = &path.value;
        if let Some(at) = value.find("://") {
            let rest = &value[at + 3..];
            let suggestion = rest.find('/').map_or("/...", |slash| &rest[slash..]);
            cx.error_at(
                path.span,
                format!(
                    "`{key}` is a path relative to the base URL, not a URL: write \
                     `{key} = \"{suggestion}\"` and give the scheme and host to the client \
                     (`{}::client(\"{}\")`) or in `base_url(..)`",
                    input.item.ident,
                    &value[..at + 3 + rest.find('/').unwrap_or(rest.len())],
                ),
            );
        } else if value.chars().any(char::is_whitespace) {
            cx.error_at(path.span, format!("`{key}` contains whitespace: write the path as the URL has it"));
        } else if !value.starts_with('/') {
            cx.error_at(path.span, format!("`{key}` must start with `/`: write `{key} = \"/{value}\"`"));
        }
    }
}

/// A base URL is scheme and host (and maybe a path prefix) that token paths are appended to.
fn base_urls_are_urls(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(urls) = input.args.base_urls.given() else {
        return;
    };
    let mut consts: Vec<(String, String)> = Vec::new();
    for pair in &urls.value {
        let Some(name) = pair.key.as_ident() else {
            cx.error_at(
                pair.key_span(),
                "a base URL's name must be an identifier, e.g. `base_url(sandbox = \"https://..\")`: \
                 it also names an associated const",
            );
            continue;
        };
        let written = pair.key_string();
        match base_url_const(name) {
            Some(konst) => {
                let konst = konst.to_string();
                match consts.iter().find(|(k, _)| *k == konst) {
                    Some((_, first)) if *first == written => {
                        cx.error_at(name.span(), format!("a base URL named `{written}` is already given: keep one"))
                    }
                    Some((_, first)) => cx.error_at(
                        name.span(),
                        format!(
                            "`{first}` and `{written}` would both be the const `{konst}`: \
                             rename one"
                        ),
                    ),
                    None => consts.push((konst, written)),
                }
            }
            None => cx.error_at(
                name.span(),
                format!(
                    "`{written}` upper-cased is not an identifier, so it cannot name a const: \
                     pick an ASCII name such as `sandbox`"
                ),
            ),
        }
        if let Some(problem) = url_problem(&pair.value.value) {
            cx.error_at(pair.value.span, problem);
        }
    }
}

/// A token host and an authorization host belong to one environment each, named as in
/// `base_url(..)`, and are URLs like one.
fn auth_base_urls_pair_with_base_urls(input: &Input<'_>, cx: &mut Ctxt) {
    hosts_pair_with_base_urls(input, cx, "auth_base_url", &input.args.auth_base_urls, "token host");
    hosts_pair_with_base_urls(
        input,
        cx,
        "authorization_base_url",
        &input.args.authorization_base_urls,
        "authorization host",
    );
}

fn hosts_pair_with_base_urls(input: &Input<'_>, cx: &mut Ctxt, key: &str, arg: &Arg<Vec<Pair>>, what: &str) {
    let Some(hosts) = arg.given() else {
        return;
    };
    let a = if what.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    // With `base_url` unreadable the names cannot be checked; its error already speaks.
    let names: Option<Vec<String>> = match &input.args.base_urls {
        Arg::Given(urls) => Some(urls.value.iter().map(|p| p.key_string()).collect()),
        Arg::Absent => Some(Vec::new()),
        Arg::Bad => None,
    };
    let mut seen: Vec<String> = Vec::new();
    for pair in &hosts.value {
        let name = pair.key_string();
        if seen.contains(&name) {
            cx.error_at(pair.key_span(), format!("{a} {what} for `{name}` is already given: keep one"));
        }
        seen.push(name.clone());
        match names.as_deref() {
            Some([]) => cx.error_at(
                pair.key_span(),
                format!(
                    "`{key}` gives the {what} of a base URL, and there is no `base_url`: \
                     add `base_url({name} = \"https://api.example.com\")`"
                ),
            ),
            Some(names) if !names.contains(&name) => {
                let known: Vec<&str> = names.iter().map(String::as_str).collect();
                let hint = match did_you_mean(&name, &known) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("the base URLs are {}", quoted(&known)),
                };
                cx.error_at(
                    pair.key_span(),
                    format!("no base URL is named `{name}`: name one of `base_url(..)`'s entries; {hint}"),
                );
            }
            _ => {}
        }
        if let Some(problem) = url_problem(&pair.value.value) {
            cx.error_at(pair.value.span, problem.replace("a base URL", &format!("{a} {what} URL")));
        }
    }
}

/// `a`, `b`, for messages.
fn quoted(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}

/// What is wrong with a base URL, if anything.
fn url_problem(url: &str) -> Option<String> {
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return Some("a base URL starts with `https://` (or `http://`), e.g. \"https://api.example.com\"".to_owned());
    };
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    if host.is_empty() {
        return Some("the base URL has no host: write e.g. \"https://api.example.com\"".to_owned());
    }
    if url.chars().any(char::is_whitespace) {
        return Some("a base URL cannot contain whitespace".to_owned());
    }
    if url.contains(['?', '#']) {
        let cut = url.find(['?', '#']).unwrap_or(url.len());
        return Some(format!(
            "a base URL takes no query or fragment, since token paths are appended to it: \
             write \"{}\"",
            &url[..cut]
        ));
    }
    if url.ends_with('/') {
        return Some(format!(
            "remove the trailing slash (token paths start with `/`): write \"{}\"",
            url.trim_end_matches('/')
        ));
    }
    None
}

/// An empty name would look for, or send, a field called "".
fn names_are_not_empty(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let named = [
        ("name", &args.name),
        ("refresh_param", &args.refresh_param),
        ("access_token", &args.access_token),
        ("refresh_token", &args.refresh_token),
        ("token_type", &args.token_type),
        ("expires_in", &args.expires_in),
        ("expires_at", &args.expires_at),
    ];
    for (key, arg) in named {
        if let Some(v) = arg.given().filter(|v| v.value.is_empty()) {
            cx.error_at(v.span, format!("`{key}` cannot be empty"));
        }
    }
    for field in input.fields() {
        if let Some(v) = field.args.rename.given().filter(|v| v.value.is_empty()) {
            cx.error_at(v.span, "`rename` cannot be empty: give the name on the wire");
        }
    }
    if let Some(params) = input.args.params.given() {
        for pair in params.value.iter().filter(|p| p.key_string().is_empty()) {
            cx.error_at(pair.key_span(), "a parameter name cannot be empty");
        }
    }
}

/// A response gives its expiry one way; two fields would disagree about which wins.
fn expiry_given_once(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let at = args.expires_at.given().map(|_| "expires_at").or(args.expires_at_path.given().map(|_| "expires_at_path"));
    if let (Some(expires_in), Some(at)) = (args.expires_in.given(), at) {
        cx.error_at(
            expires_in.span,
            format!(
                "`expires_in` and `{at}` both say where the expiry is: keep `expires_in` for a \
                 lifetime in seconds, or `{at}` for an absolute instant"
            ),
        );
    }
}

/// An absolute instant can be written several ways; guessing would misread some.
fn expires_at_has_a_format(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let at = args.expires_at.given().map(|v| ("expires_at", v.span));
    if let Some((key, span)) = at.or(args.expires_at_path.given().map(|v| ("expires_at_path", v.span)))
        && args.expires_format.is_absent()
    {
        cx.error_at(
            span,
            format!(
                "`{key}` needs `expires_format` to say how the instant is written: add \
                 `expires_format = \"rfc3339\"` (or {})",
                quoted_names(&InstantFormat::NAMES[1..])
            ),
        );
    }
}

/// The format describes `expires_at` only; without it the format is a leftover.
fn expires_format_needs_expires_at(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    if let Some(format) = args.expires_format.given()
        && args.expires_at.is_absent()
        && args.expires_at_path.is_absent()
    {
        let hint = if args.expires_in.given().is_some() { "; `expires_in` is always in seconds" } else { "" };
        cx.error_at(
            format.span,
            format!(
                "`expires_format` describes `expires_at`: add `expires_at = \"field\"` or \
                 remove `expires_format`{hint}"
            ),
        );
    }
}

/// `no_expiry` says there is no expiry field, so naming one contradicts it.
fn no_expiry_stands_alone(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    if args.no_expiry.given().is_none() {
        return;
    }
    let spans = [
        ("expires_in", args.expires_in.given().map(|v| v.span)),
        ("expires_at", args.expires_at.given().map(|v| v.span)),
        ("expires_format", args.expires_format.given().map(|v| v.span)),
        ("expires_at_path", args.expires_at_path.given().map(|v| v.span)),
        ("expires_in_aliases", args.expires_in_aliases.given().map(|v| v.span)),
    ];
    for (key, span) in spans {
        if let Some(span) = span {
            cx.error_at(
                span,
                format!(
                    "`no_expiry` says the response carries no expiry, but `{key}` reads one: \
                     remove one of them"
                ),
            );
        }
    }
}

/// With `refresh = "regrant"` the grant is simply run again, so refresh settings would be ignored.
fn refresh_settings_need_refresh(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let default = args.grant.given().map_or(RefreshKind::Regrant, |g| default_refresh(g.value));
    if args.refresh.or_default(default) != Some(RefreshKind::Regrant) {
        return;
    }
    for (key, arg) in [("refresh_path", &args.refresh_path), ("refresh_param", &args.refresh_param)] {
        if let Some(v) = arg.given() {
            cx.error_at(
                v.span,
                format!(
                    "`{key}` has no effect without refresh: add `refresh = \"refresh_token_grant\"` \
                     or `refresh = \"endpoint\"`, or remove `{key}`"
                ),
            );
        }
    }
}

/// `dpop_alg` is the algorithm of DPoP proofs: without DPoP there are none.
fn dpop_alg_needs_dpop(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let Some(alg) = args.dpop_alg.given() else { return };
    if args.presentation.or_default(Presentation::Bearer) == Some(Presentation::Bearer) {
        cx.error_at(
            alg.span,
            "`dpop_alg` sets the algorithm of DPoP proofs, which Bearer tokens do not have: add \
             `presentation = \"dpop\"`, or remove `dpop_alg`",
        );
    }
}

/// DPoP presents `DPoP` tokens only (a Bearer token from a server that should bind it is
/// refused), so pinning the scheme to Bearer contradicts it.
fn dpop_tokens_are_not_pinned_bearer(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let (Some(presentation), Some(scheme)) = (args.presentation.given(), args.token_scheme.given()) else { return };
    if presentation.value == Presentation::Dpop {
        cx.error_at(
            scheme.span,
            "`token_scheme = \"bearer\"` sends every token as Bearer, but `presentation = \"dpop\"` \
             presents DPoP-bound tokens, with a proof: remove `token_scheme`",
        );
    }
}

/// A vendor's own refresh endpoint has its own path, and nothing to default it from.
fn endpoint_refresh_has_a_path(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    if let Some(refresh) = args.refresh.given()
        && refresh.value == RefreshKind::Endpoint
        && args.refresh_path.is_absent()
    {
        cx.error_at(
            refresh.span,
            "`refresh = \"endpoint\"` needs the endpoint's path: add e.g. \
             `refresh_path = \"/auth/refresh\"`",
        );
    }
}

/// `form_grant_in_query` exists only to move `grant_type` into the query string.
fn grant_in_query_sends_the_grant(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let (Some(style), Some(send)) = (args.body_style.given(), args.send_grant_type.given()) else {
        return;
    };
    if style.value == BodyStyle::FormGrantInQuery && !send.value {
        cx.error_at(
            send.span,
            "`body_style = \"form_grant_in_query\"` puts `grant_type` in the query, so it needs \
             `send_grant_type = true`: use `body_style = \"form\"` to send no grant type",
        );
    }
}

/// A zero lifetime would make every token expired on arrival.
fn lifetime_is_positive(input: &Input<'_>, cx: &mut Ctxt) {
    if let Some(lifetime) = input.args.default_lifetime.given()
        && lifetime.value == 0
    {
        cx.error_at(lifetime.span, "`default_lifetime` must be at least 1 second, e.g. `default_lifetime = 3600`");
    }
}

/// A floor of zero would let a token that is already expired be used.
fn min_lifetime_is_positive(input: &Input<'_>, cx: &mut Ctxt) {
    if let Some(floor) = input.args.min_lifetime.given().filter(|f| f.value == 0) {
        cx.error_at(floor.span, "`min_lifetime` must be at least 1 second, e.g. `min_lifetime = 30`");
    }
}

/// A value is read from one place; a plain key and its path key would disagree about which.
fn path_keys_replace_plain_keys(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let pairs = [
        ("access_token", args.access_token.given().map(|v| v.span), &args.access_token_path),
        ("token_type", args.token_type.given().map(|v| v.span), &args.token_type_path),
        ("refresh_token", args.refresh_token.given().map(|v| v.span), &args.refresh_token_path),
        ("expires_in", args.expires_in.given().map(|v| v.span), &args.expires_in_path),
        ("expires_at", args.expires_at.given().map(|v| v.span), &args.expires_at_path),
    ];
    for (key, plain, path) in pairs {
        if let (Some(_), Some(path)) = (plain, path.given()) {
            let written = path.value.display();
            cx.error_at(
                path.span,
                format!(
                    "`{key}` and `{key}_path` both say where the field is: keep `{key}_path = \"{written}\"` \
                     and remove `{key}` (a path of one name is a top-level field), or keep `{key}` for a \
                     top-level name that itself holds dots or brackets"
                ),
            );
        }
    }
}

/// `expires_in_path` reads a lifetime, which an absolute instant or no expiry contradicts.
fn expires_in_path_stands_alone(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let Some(path) = args.expires_in_path.given() else { return };
    let others = [
        ("expires_at", args.expires_at.given().is_some()),
        ("expires_at_path", args.expires_at_path.given().is_some()),
        ("no_expiry", args.no_expiry.given().is_some()),
    ];
    for (other, _) in others.iter().filter(|(_, given)| *given) {
        let fix = if *other == "no_expiry" {
            "the response carries no expiry, so remove one of them".to_owned()
        } else {
            format!("keep `expires_in_path` for a lifetime in seconds, or `{other}` for an absolute instant")
        };
        cx.error_at(path.span, format!("`expires_in_path` and `{other}` contradict each other: {fix}"));
    }
}

/// An alias is another place to look: one given twice, or naming the main field, is a mistake.
fn aliases_are_other_places(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let main = |plain: &Arg<String>, path: &Arg<FieldPathArg>, default: &str| -> Option<FieldPathArg> {
        match (plain, path) {
            (_, Arg::Given(p)) => Some(p.value.clone()),
            (Arg::Given(p), Arg::Absent) => Some(FieldPathArg::name(&p.value)),
            (Arg::Absent, Arg::Absent) => Some(FieldPathArg::name(default)),
            _ => None,
        }
    };
    let expires_main = if args.expires_at.is_absent() && args.expires_at_path.is_absent() {
        main(&args.expires_in, &args.expires_in_path, "expires_in")
    } else {
        None
    };
    let lists = [
        ("access_token", &args.access_token_aliases, main(&args.access_token, &args.access_token_path, "access_token")),
        ("token_type", &args.token_type_aliases, main(&args.token_type, &args.token_type_path, "token_type")),
        (
            "refresh_token",
            &args.refresh_token_aliases,
            main(&args.refresh_token, &args.refresh_token_path, "refresh_token"),
        ),
        ("expires_in", &args.expires_in_aliases, expires_main),
    ];
    for (key, aliases, main) in lists {
        let Some(aliases) = aliases.given() else { continue };
        for (i, alias) in aliases.value.0.iter().enumerate() {
            let written = alias.value.display();
            if main.as_ref() == Some(&alias.value) {
                cx.error_at(
                    alias.span,
                    format!(
                        "\"{written}\" is where `{key}` is already read, not another place: remove it from \
                         `{key}_aliases`"
                    ),
                );
            } else if aliases.value.0[..i].iter().any(|a| a.value == alias.value) {
                cx.error_at(alias.span, format!("\"{written}\" is listed twice in `{key}_aliases`: keep one"));
            }
        }
    }
}

/// The aliases of `expires_in` are lifetimes in seconds, which an instant or no expiry contradicts.
fn expires_in_aliases_need_expires_in(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let Some(aliases) = args.expires_in_aliases.given() else { return };
    let at = args.expires_at.given().map(|_| "expires_at").or(args.expires_at_path.given().map(|_| "expires_at_path"));
    if let Some(at) = at {
        cx.error_at(
            aliases.span,
            format!(
                "`expires_in_aliases` are other places of a lifetime in seconds, but `{at}` reads an \
                 absolute instant: remove `expires_in_aliases`, or use `expires_in` instead of `{at}`"
            ),
        );
    }
}

/// Every field is sent somewhere; one without a role would be silently dropped.
fn every_field_has_a_role(input: &Input<'_>, cx: &mut Ctxt) {
    for field in input.fields().iter().filter(|f| f.role.is_absent()) {
        cx.error_at(
            field.span(),
            format!(
                "#[oauth_provider] does not know what to do with field `{}`: name it \
                 `client_id`, `client_secret`, `username`, `password`, `signing_key` or `client_certificate`, or add \
                 `#[oauth(role = \"client_id\")]` (or another role), or `#[oauth(param)]` to \
                 send it as an extra parameter",
                unraw(field.member)
            ),
        );
    }
}

/// `param` is short for `role = "param"`; with another role the two disagree.
fn role_said_once(input: &Input<'_>, cx: &mut Ctxt) {
    for field in input.fields() {
        if let (Some(role), Some(param)) = (field.args.role.given(), field.args.param.given())
            && role.value != Role::Param
        {
            cx.error_at(
                param.span,
                format!(
                    "`param` is short for `role = \"param\"`, but this field has \
                     `role = \"{}\"`: keep one",
                    role.value.as_str()
                ),
            );
        }
    }
}

/// `Secret` redacts itself in `Debug` and zeroes on drop; a `String` would leak into logs.
fn secrets_are_secret(input: &Input<'_>, cx: &mut Ctxt) {
    for field in input.fields().iter().filter(|f| f.must_be_secret()) {
        // Key material has a runtime type of its own (`certificates_are_identities`).
        if is_secret_type(field.ty) || field.role.given().is_some_and(|r| r.value.is_material()) {
            continue;
        }
        let why = match field.role.given().map(|r| r.value) {
            Some(Role::ClientSecret) => "is a client secret".to_owned(),
            Some(Role::Password) => "is a password".to_owned(),
            _ => "is marked `#[oauth(secret)]`".to_owned(),
        };
        cx.error_spanned_by(
            field.ty,
            format!("`{}` {why}: declare it as `Secret` so it never shows in Debug or logs", unraw(field.member)),
        );
    }
}

/// The runtime looks each role up once; a second field in the same role would be ignored.
fn roles_are_unique(input: &Input<'_>, cx: &mut Ctxt) {
    let fields = input.fields();
    for (i, field) in fields.iter().enumerate() {
        let Some(role) = field.role.given().filter(|r| r.value != Role::Param) else {
            continue;
        };
        let earlier = fields[..i].iter().find(|f| f.role.given().is_some_and(|r| r.value == role.value));
        if let Some(earlier) = earlier {
            cx.error_at(
                role.span,
                format!(
                    "`{}` and `{}` both have role \"{}\": keep one, or make the other \
                     `#[oauth(param)]`",
                    unraw(earlier.member),
                    unraw(field.member),
                    role.value.as_str()
                ),
            );
        }
    }
}

/// Two values under one name: the vendor would see only one of them, or reject the request.
fn wire_names_are_unique(input: &Input<'_>, cx: &mut Ctxt) {
    let mut sent: Vec<(String, String)> = Vec::new();
    let mut check = |name: &Sp<String>, by: String, cx: &mut Ctxt| {
        if let Some((_, first)) = sent.iter().find(|(n, _)| *n == name.value) {
            cx.error_at(
                name.span,
                format!(
                    "\"{}\" is sent twice, by {first} and by {by}: rename one with \
                     `#[oauth(rename = \"..\")]`",
                    name.value.escape_debug()
                ),
            );
        } else {
            sent.push((name.value.clone(), by));
        }
    };
    for field in input.fields() {
        check(&field.wire, field_desc(field), cx);
    }
    if let Some(params) = input.args.params.given() {
        for pair in &params.value {
            let name = Sp::new(pair.key_string(), pair.key_span());
            check(&name, format!("`params({} = ..)`", name.value), cx);
        }
    }
}

fn field_desc(field: &Field<'_>) -> String {
    format!("field `{}`", unraw(field.member))
}

/// Each grant sends particular credentials (RFC 6749 sections 4.3 and 4.4).
fn grant_has_its_fields(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(grant) = input.args.grant.given() else {
        return;
    };
    if !input.roles_known() {
        return;
    }
    let need = |role: Role, ty: &str, cx: &mut Ctxt, extra: &str| {
        if input.field_with(role).is_none() {
            cx.error_at(
                grant.span,
                format!(
                    "`grant = \"{}\"` needs a {} field: add `{}: {ty}`, or mark a field \
                     `#[oauth(role = \"{}\")]`{extra}",
                    grant_name(grant.value),
                    role_words(role),
                    role.as_str(),
                    role.as_str(),
                ),
            );
        }
    };
    match grant.value {
        Grant::Password => {
            need(Role::Username, "String", cx, "");
            need(Role::Password, "Secret", cx, "");
        }
        // A signed assertion needs its key, which `signing_needs_a_key` asks for.
        Grant::JwtBearer => {}
        Grant::ClientCredentials | Grant::TokenExchange => {
            need(Role::ClientId, "String", cx, "");
            if input.args.client_auth.or_default(ClientAuth::Body).is_some_and(ClientAuth::needs_secret) {
                need(
                    Role::ClientSecret,
                    "Secret",
                    cx,
                    ", or set `client_auth = \"none\"` if the vendor takes no secret",
                );
            }
        }
        // RFC 6749 section 4.1 and RFC 8628 section 3.1: the client names itself; an app a
        // person runs is usually a public client (RFC 8252 section 8.4).
        Grant::DeviceCode | Grant::AuthorizationCode => {
            need(Role::ClientId, "String", cx, "");
            if input.args.client_auth.or_default(ClientAuth::Body).is_some_and(|a| a != ClientAuth::None) {
                need(
                    Role::ClientSecret,
                    "Secret",
                    cx,
                    ", or set `client_auth = \"none\"` for a public client (an app a person runs)",
                );
            }
        }
        // A refresh token alone may do (a vendor's own refresh endpoint).
        Grant::RefreshToken => {}
    }
}

/// The device and code grants start at an endpoint of their own, which nothing can default.
fn person_grants_declare_their_endpoints(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let Some(grant) = args.grant.given() else { return };
    let (key, example) = match grant.value {
        Grant::DeviceCode => ("device_authorization_path", "/oauth/device/code"),
        Grant::AuthorizationCode => ("authorization_path", "/oauth/authorize"),
        _ => return,
    };
    let arg = if grant.value == Grant::DeviceCode { &args.device_authorization_path } else { &args.authorization_path };
    if arg.is_absent() {
        cx.error_at(
            grant.span,
            format!(
                "`grant = \"{}\"` starts at the vendor's {} endpoint: add `{key} = \"{example}\"`",
                grant_name(grant.value),
                if grant.value == Grant::DeviceCode { "device authorization" } else { "authorization" }
            ),
        );
    }
}

/// An endpoint of a grant the vendor does not use would never be called.
fn endpoints_need_their_grant(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let Some(grant) = args.grant.given().map(|g| g.value) else { return };
    let keys = [
        ("device_authorization_path", &args.device_authorization_path, Grant::DeviceCode),
        ("authorization_path", &args.authorization_path, Grant::AuthorizationCode),
        ("par_path", &args.par_path, Grant::AuthorizationCode),
        ("redirect_path", &args.redirect_path, Grant::AuthorizationCode),
    ];
    for (key, arg, needs) in keys {
        if let Some(v) = arg.given().filter(|_| grant != needs) {
            cx.error_at(
                v.span,
                format!(
                    "`{key}` belongs to `grant = \"{}\"`, and this vendor's grant is \"{}\": \
                     set `grant = \"{}\"` or remove `{key}`",
                    grant_name(needs),
                    grant_name(grant),
                    grant_name(needs),
                ),
            );
        }
    }
    if let Some(hosts) = args.authorization_base_urls.given().filter(|_| grant != Grant::AuthorizationCode) {
        cx.error_at(
            hosts.span,
            format!(
                "`authorization_base_url` belongs to `grant = \"authorization_code\"`, and this vendor's grant is \"{}\": \
                 remove it",
                grant_name(grant),
            ),
        );
    }
}

/// The token endpoint tells the person's grants apart by their `grant_type`.
fn person_grants_send_their_grant_type(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let (Some(grant), Some(send)) = (args.grant.given(), args.send_grant_type.given()) else { return };
    if grant.value.needs_person() && !send.value {
        cx.error_at(
            send.span,
            format!(
                "`grant = \"{}\"` is told apart by its `grant_type` (RFC 6749, RFC 8628): remove \
                 `send_grant_type = false`",
                grant_name(grant.value)
            ),
        );
    }
}

/// With a person's grant the person authorizes at the vendor; the client never holds their
/// password.
fn person_grants_take_no_password(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(grant) = input.args.grant.given().filter(|g| g.value.needs_person()) else { return };
    for field in input.fields() {
        let Some(role) = field.role.given().filter(|r| matches!(r.value, Role::Username | Role::Password)) else {
            continue;
        };
        cx.error_at(
            role.span,
            format!(
                "`grant = \"{}\"` has the person sign in at the vendor, so the client sends no {}: \
                 remove `{}`, or use `grant = \"password\"`",
                grant_name(grant.value),
                role_words(role.value),
                unraw(field.member)
            ),
        );
    }
}

/// A refresh-only client has nothing but its refresh token to renew with.
fn refresh_only_refreshes(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let (Some(grant), Some(refresh)) = (args.grant.given(), args.refresh.given()) else { return };
    if grant.value == Grant::RefreshToken && refresh.value == RefreshKind::Regrant {
        cx.error_at(
            refresh.span,
            "`grant = \"refresh_token\"` renews with its refresh token and has no grant to run again: \
             use `refresh = \"refresh_token_grant\"` (the default for this grant) or `refresh = \"endpoint\"`",
        );
    }
}

/// An error status is a success (vendors that answer errors with 200) or an error status.
fn error_status_is_an_answer(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(status) = input.args.error_status.given() else { return };
    if !matches!(status.value, 200..=299 | 400..=599) {
        cx.error_at(
            status.span,
            "`error_status` is the HTTP status the vendor answers errors with: 200 to 299 (errors in a \
             success, as GitHub answers) or 400 to 599",
        );
    }
}

/// HTTP Basic client authentication is the client id and secret; it needs both.
/// (With the client-credentials grant, `grant_has_its_fields` already asks for them.)
fn basic_auth_has_its_fields(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(auth) = input.args.client_auth.given().filter(|a| a.value.is_basic()) else {
        return;
    };
    if !input.roles_known()
        || matches!(input.args.grant, Arg::Given(Sp { value: Grant::ClientCredentials | Grant::TokenExchange, .. }))
    {
        return;
    }
    let missing: Vec<(Role, &str)> = [(Role::ClientId, "String"), (Role::ClientSecret, "Secret")]
        .into_iter()
        .filter(|(role, _)| input.field_with(*role).is_none())
        .collect();
    if missing.is_empty() {
        return;
    }
    let words: Vec<&str> = missing.iter().map(|(role, _)| role_words(*role)).collect();
    let decls: Vec<String> = missing.iter().map(|(role, ty)| format!("`{}: {ty}`", role.as_str())).collect();
    cx.error_at(
        auth.span,
        format!(
            "`client_auth = \"{}\"` sends the client id and secret in an Authorization header, \
             but there is no {} field: add {}, or use `client_auth = \"body\"` or \
             `client_auth = \"none\"`",
            auth_name(auth.value),
            words.join(" or "),
            decls.join(" and "),
        ),
    );
}

/// A client certificate is key material the runtime reads as one value, the certificate chain
/// with its key, redacted like a secret.
fn certificates_are_identities(input: &Input<'_>, cx: &mut Ctxt) {
    for field in input.fields() {
        let Some(role) = field.role.given().filter(|r| r.value == Role::ClientCertificate) else {
            continue;
        };
        if !is_type_named(field.ty, &["ClientIdentity"]) {
            cx.error_spanned_by(
                field.ty,
                format!(
                    "`{}` has role \"{}\", so it must be an `oauth_runtime::ClientIdentity` (a \
                     certificate chain and its key, read with `ClientIdentity::from_pem`)",
                    unraw(field.member),
                    role.value.as_str()
                ),
            );
        }
    }
}

/// Mutual-TLS client authentication is the client id in the body and a certificate on the
/// connection (RFC 8705 section 2); it sends no secret.
fn tls_auth_has_its_fields(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(auth) = input.args.client_auth.given().filter(|a| a.value.is_tls()) else {
        return;
    };
    if !input.roles_known() {
        return;
    }
    let name = auth_name(auth.value);
    if input.field_with(Role::ClientId).is_none() {
        cx.error_at(
            auth.span,
            format!("`client_auth = \"{name}\"` sends the client id in the body: add `client_id: String`"),
        );
    }
    if input.field_with(Role::ClientCertificate).is_none() {
        cx.error_at(
            auth.span,
            format!(
                "`client_auth = \"{name}\"` presents a TLS client certificate: add \
                 `client_certificate: ClientIdentity` (or mark a `ClientIdentity` field \
                 `#[oauth(role = \"client_certificate\")]`)"
            ),
        );
    }
    if let Some(secret) = input.field_with(Role::ClientSecret) {
        cx.error_at(
            secret.span(),
            format!(
                "`client_auth = \"{name}\"` sends no client secret, so `{}` would never be sent: \
                 remove it, or use a client authentication that sends it",
                unraw(secret.member)
            ),
        );
    }
}

fn grant_name(grant: Grant) -> &'static str {
    name_of(grant)
}

fn auth_name(auth: ClientAuth) -> &'static str {
    name_of(auth)
}

fn role_words(role: Role) -> &'static str {
    match role {
        Role::ClientId => "client id",
        Role::ClientSecret => "client secret",
        Role::Username => "username",
        Role::Password => "password",
        Role::Param => "parameter",
        Role::ClientCertificate => "client certificate",
        Role::SigningKey => "signing key",
    }
}

/// What signs with the key: the JWT-bearer grant and `private_key_jwt`, with their spans.
fn signers(input: &Input<'_>) -> Vec<(&'static str, Span)> {
    let args = &input.args;
    let mut signers = Vec::new();
    if let Some(grant) = args.grant.given().filter(|g| g.value == Grant::JwtBearer) {
        signers.push(("`grant = \"jwt_bearer\"`", grant.span));
    }
    if let Some(auth) = args.client_auth.given().filter(|a| a.value == ClientAuth::PrivateKeyJwt) {
        signers.push(("`client_auth = \"private_key_jwt\"`", auth.span));
    }
    signers
}

/// Whether the declaration makes assertions at all: it signs with a key or with the secret.
/// `None` when a setting that decides it could not be read.
fn makes_assertions(input: &Input<'_>) -> Option<bool> {
    let args = &input.args;
    let grant = match &args.grant {
        Arg::Bad => return None,
        arg => arg.given().map(|g| g.value),
    };
    let auth = args.client_auth.or_default(ClientAuth::Body)?;
    Some(grant == Some(Grant::JwtBearer) || matches!(auth, ClientAuth::PrivateKeyJwt | ClientAuth::ClientSecretJwt))
}

/// The key must be the runtime's `SigningKey`, which keeps it secret and reads it at build time.
fn signing_keys_are_keys(input: &Input<'_>, cx: &mut Ctxt) {
    for field in input.fields() {
        if field.role.given().is_some_and(|r| r.value == Role::SigningKey) && !is_signing_key_type(field.ty) {
            cx.error_spanned_by(
                field.ty,
                format!(
                    "`{}` holds the key that signs assertions: declare it as `SigningKey` \
                     (`oauth_runtime::key::SigningKey`, from PEM, a JWK or a service-account file)",
                    unraw(field.member)
                ),
            );
        }
    }
}

/// RFC 7523: a JWT-bearer grant and `private_key_jwt` are signed with the client's private key.
fn signing_needs_a_key(input: &Input<'_>, cx: &mut Ctxt) {
    if !input.roles_known() || input.field_with(Role::SigningKey).is_some() {
        return;
    }
    for (what, span) in signers(input) {
        cx.error_at(
            span,
            format!(
                "{what} signs with the client's private key, but no field holds one: add \
                 `signing_key: SigningKey` (or a field of that type, or `#[oauth(role = \"signing_key\")]`)"
            ),
        );
    }
}

/// A key nothing signs with would be a secret held for nothing, and a sign of a missing setting.
fn a_key_is_used(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(field) = input.field_with(Role::SigningKey) else { return };
    if makes_assertions(input) != Some(false) || input.args.grant.is_absent() {
        return;
    }
    cx.error_at(
        field.span(),
        format!(
            "nothing signs with `{}`: add `client_auth = \"private_key_jwt\"` or `grant = \"jwt_bearer\"`, \
             or remove the field",
            unraw(field.member)
        ),
    );
}

/// A client assertion names the client (`iss = sub = client_id`); HS256 is keyed with the secret.
fn client_assertions_have_their_fields(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(auth) = input.args.client_auth.given() else { return };
    if !input.roles_known() || !matches!(auth.value, ClientAuth::PrivateKeyJwt | ClientAuth::ClientSecretJwt) {
        return;
    }
    let mut need = vec![(Role::ClientId, "String")];
    if auth.value == ClientAuth::ClientSecretJwt {
        need.push((Role::ClientSecret, "Secret"));
    }
    // The client-credentials grant asks for both already.
    if input.args.grant.given().is_some_and(|g| g.value == Grant::ClientCredentials) {
        need.clear();
    }
    for (role, ty) in need {
        if input.field_with(role).is_none() {
            cx.error_at(
                auth.span,
                format!(
                    "`client_auth = \"{}\"` needs a {} field: add `{}: {ty}`",
                    auth_name(auth.value),
                    role_words(role),
                    role.as_str()
                ),
            );
        }
    }
}

/// The assertion settings describe assertions; without one they would be ignored.
fn assertion_keys_need_an_assertion(input: &Input<'_>, cx: &mut Ctxt) {
    if makes_assertions(input) != Some(false) || input.args.grant.is_absent() {
        return;
    }
    let args = &input.args;
    let spans = [
        ("assertion_audience", args.assertion_audience.given().map(|v| v.span)),
        ("assertion_lifetime", args.assertion_lifetime.given().map(|v| v.span)),
        ("signing_alg", args.signing_alg.given().map(|v| v.span)),
        ("assertion_scope", args.assertion_scope.given().map(|v| v.span)),
        ("assertion_thumbprint", args.assertion_thumbprint.given().map(|v| v.span)),
    ];
    for (key, span) in spans {
        if let Some(span) = span {
            cx.error_at(
                span,
                format!(
                    "`{key}` describes signed assertions, and this vendor makes none: add \
                     `grant = \"jwt_bearer\"` or `client_auth = \"private_key_jwt\"` (or \
                     `\"client_secret_jwt\"`), or remove `{key}`"
                ),
            );
        }
    }
}

/// HS256 is keyed with the client secret (`client_secret_jwt`); the others sign with a key.
/// The scope goes in a claim only of a JWT-bearer grant; a thumbprint names a key's certificate.
fn signing_alg_suits_the_method(input: &Input<'_>, cx: &mut Ctxt) {
    let args = &input.args;
    let auth = args.client_auth.or_default(ClientAuth::Body);
    let grant = args.grant.given().map(|g| g.value);
    let hmac = auth == Some(ClientAuth::ClientSecretJwt);
    let keyed = grant == Some(Grant::JwtBearer) || auth == Some(ClientAuth::PrivateKeyJwt);
    if let Some(alg) = args.signing_alg.given() {
        let keyed_names = "\"RS256\", \"PS256\", \"ES256\" or \"EdDSA\"";
        if hmac && keyed {
            cx.error_at(
                alg.span,
                "`signing_alg` would apply both to the JWT-bearer grant (signed with the key) and to \
                 `client_secret_jwt` (HS256 with the secret): remove it, each then signs as it must",
            );
        } else if hmac && alg.value != SigningAlg::Hs256 {
            cx.error_at(
                alg.span,
                format!(
                    "`client_auth = \"client_secret_jwt\"` signs HS256 with the client secret: write \
                     `signing_alg = \"HS256\"` or remove it; for {keyed_names} use `client_auth = \"private_key_jwt\"`"
                ),
            );
        } else if keyed && alg.value == SigningAlg::Hs256 {
            cx.error_at(
                alg.span,
                format!(
                    "HS256 signs with a shared secret, not with the client's key: use {keyed_names}, or \
                     `client_auth = \"client_secret_jwt\"` to sign HS256 with the client secret"
                ),
            );
        }
    }
    if let Some(scope) = args.assertion_scope.given()
        && grant.is_some()
        && grant != Some(Grant::JwtBearer)
        && makes_assertions(input) == Some(true)
    {
        {
            cx.error_at(
                scope.span,
                "`assertion_scope` says where a JWT-bearer grant's scope goes: it needs `grant = \"jwt_bearer\"`",
            );
        }
    }
    if let Some(flag) = args.assertion_thumbprint.given()
        && hmac
        && !keyed
    {
        {
            cx.error_at(
                flag.span,
                "`assertion_thumbprint` names the certificate of the client's key, and `client_secret_jwt` \
                 signs with the secret: use `client_auth = \"private_key_jwt\"`",
            );
        }
    }
}

/// The audience is a keyword or the URL the vendor documents.
fn assertion_audience_is_a_url(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(aud) = input.args.assertion_audience.given() else { return };
    let written = aud.value.as_str();
    if Audience::KEYWORDS.contains(&written) {
        return;
    }
    let is_url = ["https://", "http://"].iter().any(|s| written.strip_prefix(s).is_some_and(|rest| !rest.is_empty()));
    if !is_url || written.chars().any(char::is_whitespace) {
        let mut msg = format!(
            "`assertion_audience` is \"token_endpoint\" (the default), \"token_origin\" or the URL the vendor \
             documents, e.g. \"https://login.salesforce.com\"; \"{}\" is none of them",
            written.escape_debug()
        );
        if let Some(near) = did_you_mean(written, Audience::KEYWORDS) {
            msg.push_str(&format!("; did you mean \"{near}\"?"));
        }
        cx.error_at(aud.span, msg);
    }
}

/// Assertions are short-lived; servers refuse long ones (Google at an hour, most at minutes).
fn assertion_lifetime_is_short(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(lifetime) = input.args.assertion_lifetime.given() else { return };
    if lifetime.value == 0 {
        cx.error_at(lifetime.span, "`assertion_lifetime` must be at least 1 second: e.g. `assertion_lifetime = 60`");
    } else if lifetime.value > 3600 {
        cx.error_at(
            lifetime.span,
            format!(
                "`assertion_lifetime = {}` is longer than an hour, which servers refuse (an assertion is a \
                 short-lived proof): use at most 3600, 60 to 300 is usual",
                lifetime.value
            ),
        );
    }
}

fn quoted_names(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    quoted.join(", ")
}
