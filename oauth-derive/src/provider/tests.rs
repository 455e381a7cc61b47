//! Unit tests of the attribute layer, the rules and the expansion.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, parse_quote};

use super::ast::Input;
use super::model::{Expiry, GrantSpec, Refresh, Spec};
use super::{oauth_provider, valid};
use crate::ctxt::Ctxt;
use crate::symbol::{BodyStyle, Grant, InstantFormat, Role};

/// The messages for an item, after reading and every rule.
fn errors(args: TokenStream, item: DeriveInput) -> Vec<String> {
    let mut cx = Ctxt::default();
    let input = Input::from_syn(&item, args, &mut cx);
    valid::check(&input, &mut cx);
    cx.messages()
}

/// The checked spec of a valid item.
fn spec(args: TokenStream, item: DeriveInput) -> Spec {
    let mut cx = Ctxt::default();
    let input = Input::from_syn(&item, args, &mut cx);
    valid::check(&input, &mut cx);
    assert_eq!(cx.messages(), Vec::<String>::new());
    Spec::new(&input).expect("a valid item has a spec")
}

fn client_credentials() -> DeriveInput {
    parse_quote! {
        pub struct Vendor {
            pub client_id: String,
            pub client_secret: Secret,
        }
    }
}

fn password() -> DeriveInput {
    parse_quote! {
        pub struct Vendor {
            pub username: String,
            pub password: Secret,
        }
    }
}

/// Asserts that exactly one error was reported and that it contains `needle`.
#[track_caller]
fn assert_one(errors: Vec<String>, needle: &str) {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains(needle), "{:?} lacks {needle:?}", errors[0]);
}

fn monta_args() -> TokenStream {
    quote! {
        name = "Monta",
        grant = "client_credentials",
        token_path = "/auth/token",
        body_style = "json",
        send_grant_type = false,
        refresh = "endpoint",
        refresh_path = "/auth/refresh",
        refresh_param = "refreshToken",
        access_token = "accessToken",
        refresh_token = "refreshToken",
        expires_at = "accessTokenExpirationDate",
        expires_format = "rfc3339",
    }
}

fn monta() -> DeriveInput {
    parse_quote! {
        /// Monta's partner API credentials.
        pub struct Monta {
            #[oauth(rename = "clientId")]
            pub client_id: String,
            #[oauth(rename = "clientSecret")]
            pub client_secret: Secret,
        }
    }
}

#[test]
fn monta_is_valid() {
    let spec = spec(monta_args(), monta());
    assert_eq!(spec.name, "Monta");
    assert!(matches!(spec.grant, GrantSpec::Known(Grant::ClientCredentials)));
    assert_eq!(spec.body_style, BodyStyle::Json);
    assert!(!spec.send_grant_type);
    assert!(matches!(
        &spec.refresh,
        Refresh::Endpoint { path, param } if path == "/auth/refresh" && param == "refreshToken"
    ));
    assert!(matches!(
        &spec.response.expiry,
        Expiry::At(f, InstantFormat::Rfc3339) if f.display() == "accessTokenExpirationDate"
    ));
    let wire: Vec<_> = spec.fields.iter().map(|f| (f.wire.as_str(), f.role, f.secret)).collect();
    assert_eq!(wire, [("clientId", Role::ClientId, false), ("clientSecret", Role::ClientSecret, true)]);
}

#[test]
fn defaults_apply() {
    let spec = spec(quote!(grant = "client_credentials", token_path = "/token"), client_credentials());
    assert_eq!(spec.name, "Vendor");
    assert!(spec.send_grant_type);
    assert!(matches!(spec.refresh, Refresh::Regrant));
    assert!(matches!(&spec.response.expiry, Expiry::In(f) if f.display() == "expires_in"));
    assert_eq!(spec.response.default_lifetime, 3600);
    assert_eq!(spec.krate, parse_quote!(::oauth_runtime));
}

#[test]
fn refresh_grant_defaults_to_the_token_path() {
    let spec =
        spec(quote!(grant = "password", token_path = "/oauth/token", refresh = "refresh_token_grant"), password());
    assert!(matches!(
        &spec.refresh,
        Refresh::RefreshTokenGrant { path, param } if path == "/oauth/token" && param == "refresh_token"
    ));
}

#[test]
fn params_roles_and_secret_params() {
    let item: DeriveInput = parse_quote! {
        struct Vendor {
            #[oauth(role = "username")]
            login: String,
            password: Secret,
            #[oauth(param)]
            scope: String,
            #[oauth(param, secret, rename = "apiKey")]
            r#api_key: Secret,
        }
    };
    let spec = spec(quote!(grant = "password", token_path = "/t", params(audience = "api", "x-flag" = "1")), item);
    let wire: Vec<_> = spec.fields.iter().map(|f| (f.wire.as_str(), f.role, f.secret)).collect();
    assert_eq!(
        wire,
        [
            ("login", Role::Username, false),
            ("password", Role::Password, true),
            ("scope", Role::Param, false),
            ("apiKey", Role::Param, true),
        ]
    );
    assert_eq!(spec.params, [("audience".to_owned(), "api".to_owned()), ("x-flag".to_owned(), "1".to_owned())]);
}

#[test]
fn unknown_key_suggests() {
    assert_one(
        errors(quote!(grnt = "password", token_path = "/t"), password()),
        "unknown key `grnt` in #[oauth_provider]: did you mean `grant`?",
    );
}

#[test]
fn unknown_key_without_a_near_one_lists_the_keys() {
    assert_one(
        errors(quote!(grant = "password", token_path = "/t", zzz = 1), password()),
        "the keys are name, grant, grant_type, token_path",
    );
}

#[test]
fn duplicate_key() {
    assert_one(
        errors(quote!(grant = "password", grant = "password", token_path = "/t"), password()),
        "duplicate key `grant`",
    );
}

#[test]
fn unknown_values_list_and_suggest() {
    assert_one(
        errors(quote!(grant = "pasword", token_path = "/t"), password()),
        "unknown grant \"pasword\": expected one of \"password\", \"client_credentials\", \"token_exchange\", \
         \"jwt_bearer\", \"refresh_token\", \"device_code\", \"authorization_code\"; did you mean \"password\"?",
    );
    assert_one(
        errors(quote!(grant = "password", token_path = "/t", body_style = "xml"), password()),
        "unknown body_style \"xml\": expected one of \"form\", \"json\", \"form_grant_in_query\"",
    );
    assert_one(
        errors(quote!(grant = "password", token_path = "/t", client_auth = "Basic"), password()),
        "did you mean \"basic\"?",
    );
}

#[test]
fn former_keys_name_the_new_ones_and_are_still_read() {
    let errs = errors(
        quote!(grant = "client_credentials", token_path = "/t", style = "jsn", auth = "basic"),
        client_credentials(),
    );
    assert_eq!(
        errs,
        [
            "unknown key `style` in #[oauth_provider]: did you mean `body_style`? (`style` was renamed to \
             `body_style`)",
            "unknown body_style \"jsn\": expected one of \"form\", \"json\", \"form_grant_in_query\"; did you \
             mean \"json\"?",
            "unknown key `auth` in #[oauth_provider]: did you mean `client_auth`? (`auth` was renamed to \
             `client_auth`)",
        ]
    );
    // Read under the new key: `body_style` given twice is a duplicate, and rules still apply.
    let errs = errors(
        quote!(grant = "password", token_path = "/t", style = "form", body_style = "json", auth = "basic"),
        password(),
    );
    assert_eq!(errs.len(), 4, "{errs:#?}");
    assert!(errs[1].starts_with("duplicate key `body_style`"), "{errs:#?}");
    assert!(errs[3].contains("there is no client id or client secret field"), "{errs:#?}");
}

#[test]
fn former_refresh_values_name_the_new_ones() {
    let args = |refresh: &str| quote!(grant = "password", token_path = "/t", refresh = #refresh);
    assert_one(
        errors(args("none"), password()),
        "unknown refresh \"none\": expected one of \"regrant\", \"refresh_token_grant\", \"endpoint\"; did you mean \"regrant\"?",
    );
    assert_one(errors(args("grant"), password()), "did you mean \"refresh_token_grant\"?");
}

#[test]
fn missing_grant_and_token_path() {
    let errs = errors(quote!(), password());
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(errs[0].starts_with("missing `grant`"));
    assert!(errs[1].starts_with("missing `token_path`"));
}

#[test]
fn a_misspelt_key_does_not_cascade() {
    // `expires_frmat` might have been `expires_format`: no "expires_at needs a format".
    assert_one(
        errors(
            quote!(grant = "password", token_path = "/t", expires_at = "exp", expires_frmat = "rfc3339"),
            password(),
        ),
        "did you mean `expires_format`?",
    );
}

#[test]
fn password_grant_needs_username_and_password() {
    let item: DeriveInput = parse_quote!(
        struct Vendor {
            password: Secret,
        }
    );
    assert_one(
        errors(quote!(grant = "password", token_path = "/t"), item),
        "`grant = \"password\"` needs a username field",
    );
}

#[test]
fn client_credentials_needs_a_secret_unless_auth_none() {
    let item: DeriveInput = parse_quote!(
        struct Vendor {
            client_id: String,
        }
    );
    assert_one(
        errors(quote!(grant = "client_credentials", token_path = "/t"), item.clone()),
        "needs a client secret field",
    );
    assert!(errors(quote!(grant = "client_credentials", token_path = "/t", client_auth = "none"), item).is_empty());
}

#[test]
fn secrets_must_be_secret() {
    let item: DeriveInput = parse_quote!(
        struct Vendor {
            username: String,
            password: String,
        }
    );
    assert_one(
        errors(quote!(grant = "password", token_path = "/t"), item),
        "`password` is a password: declare it as `Secret`",
    );
    let item: DeriveInput = parse_quote! {
        struct Vendor { username: String, password: secrecy::SecretString, #[oauth(param, secret)] key: Box<str> }
    };
    assert_one(errors(quote!(grant = "password", token_path = "/t"), item), "`key` is marked `#[oauth(secret)]`");
}

#[test]
fn paths_are_checked() {
    assert_one(
        errors(quote!(grant = "password", token_path = "oauth/token"), password()),
        "write `token_path = \"/oauth/token\"`",
    );
    assert_one(
        errors(quote!(grant = "password", token_path = "https://x.io/oauth/token"), password()),
        "write `token_path = \"/oauth/token\"` and give the scheme and host to the client \
         (`Vendor::client(\"https://x.io\")`)",
    );
    assert_one(errors(quote!(grant = "password", token_path = "/oauth /token"), password()), "contains whitespace");
}

#[test]
fn base_urls_are_checked() {
    let errs = errors(
        quote!(
            grant = "password",
            token_path = "/t",
            base_url(
                a = "https://x.io/",
                b = "ftp://x.io",
                c = "https://x.io?q=1",
                d = "https://",
                e = "https://api.x.io/v1",
                A = "https://y.io",
            )
        ),
        password(),
    );
    assert_eq!(errs.len(), 5, "{errs:#?}");
    assert!(errs[0].contains("write \"https://x.io\""));
    assert!(errs[1].contains("starts with `https://`"));
    assert!(errs[2].contains("no query or fragment"));
    assert!(errs[3].contains("no host"));
    assert!(errs[4].contains("`a` and `A` would both be the const `A`"));
}

#[test]
fn auth_base_urls_pair_with_base_urls() {
    let args = |auth: TokenStream| {
        quote!(
            grant = "password",
            token_path = "/t",
            base_url(sandbox = "https://api-test.x.io", production = "https://api.x.io"),
            auth_base_url(#auth)
        )
    };
    let spec = spec(args(quote!(production = "https://auth.x.io")), password());
    let auth: Vec<_> = spec.base_urls.iter().map(|b| (b.name.as_str(), b.auth_url.as_deref())).collect();
    assert_eq!(auth, [("sandbox", None), ("production", Some("https://auth.x.io"))]);
    assert_one(
        errors(args(quote!(prodution = "https://auth.x.io")), password()),
        "no base URL is named `prodution`: name one of `base_url(..)`'s entries; did you mean `production`?",
    );
    assert_one(
        errors(args(quote!(staging = "https://auth.x.io")), password()),
        "the base URLs are `sandbox`, `production`",
    );
    assert_one(errors(args(quote!(sandbox = "auth.x.io")), password()), "a token host URL starts with `https://`");
    assert_one(
        errors(args(quote!(sandbox = "https://a.x.io", sandbox = "https://b.x.io")), password()),
        "a token host for `sandbox` is already given",
    );
    assert_one(
        errors(quote!(grant = "password", token_path = "/t", auth_base_url(sandbox = "https://a.x.io")), password()),
        "there is no `base_url`: add `base_url(sandbox = \"https://api.example.com\")`",
    );
    // An unreadable `base_url` is reported alone.
    assert_one(
        errors(
            quote!(grant = "password", token_path = "/t", base_url = "x", auth_base_url(sandbox = "https://a.x.io")),
            password(),
        ),
        "write `base_url(name = \"value\", ..)`",
    );
}

#[test]
fn authorization_base_urls_pair_with_base_urls_and_the_code_grant() {
    let args = |grant: &str, hosts: TokenStream| {
        quote!(
            grant = #grant,
            token_path = "/v1/oauth/token",
            authorization_path = "/oauth",
            base_url(production = "https://api.figma.com"),
            authorization_base_url(#hosts)
        )
    };
    let spec = spec(args("authorization_code", quote!(production = "https://www.figma.com")), code_client());
    let hosts: Vec<_> = spec.base_urls.iter().map(|b| (b.name.as_str(), b.authorization_url.as_deref())).collect();
    assert_eq!(hosts, [("production", Some("https://www.figma.com"))]);
    assert_one(
        errors(args("authorization_code", quote!(prod = "https://www.figma.com")), code_client()),
        "no base URL is named `prod`: name one of `base_url(..)`'s entries; did you mean `production`?",
    );
    assert_one(
        errors(args("authorization_code", quote!(production = "www.figma.com")), code_client()),
        "an authorization host URL starts with `https://`",
    );
    let errs = errors(
        quote!(
            grant = "client_credentials",
            token_path = "/t",
            base_url(production = "https://api.x.io"),
            authorization_base_url(production = "https://www.x.io")
        ),
        code_client(),
    );
    assert!(
        errs.iter().any(|e| e.contains("`authorization_base_url` belongs to `grant = \"authorization_code\"`")),
        "{errs:#?}"
    );
}

fn code_client() -> DeriveInput {
    parse_quote!(
        pub struct Figma {
            pub client_id: String,
            pub client_secret: Secret,
        }
    )
}

#[test]
fn expiry_contradictions() {
    let args = |extra: TokenStream| quote!(grant = "password", token_path = "/t", #extra);
    assert_one(
        errors(args(quote!(expires_in = "a", expires_at = "b", expires_format = "rfc3339")), password()),
        "`expires_in` and `expires_at` both",
    );
    assert_one(errors(args(quote!(expires_at = "b")), password()), "`expires_at` needs `expires_format`");
    assert_one(
        errors(args(quote!(expires_format = "http_date")), password()),
        "`expires_format` describes `expires_at`",
    );
    assert_one(
        errors(args(quote!(no_expiry, expires_in = "ttl")), password()),
        "`no_expiry` says the response carries no expiry, but `expires_in` reads one",
    );
}

#[test]
fn refresh_contradictions() {
    let args = |extra: TokenStream| quote!(grant = "password", token_path = "/t", #extra);
    assert_one(errors(args(quote!(refresh_path = "/r")), password()), "`refresh_path` has no effect without refresh");
    assert_one(
        errors(args(quote!(refresh = "regrant", refresh_param = "rt")), password()),
        "`refresh_param` has no effect without refresh",
    );
    assert_one(
        errors(args(quote!(refresh = "endpoint")), password()),
        "`refresh = \"endpoint\"` needs the endpoint's path",
    );
}

#[test]
fn basic_auth_needs_a_secret() {
    assert_one(
        errors(quote!(grant = "password", token_path = "/t", client_auth = "basic"), password()),
        "there is no client id or client secret field: add `client_id: String` and \
         `client_secret: Secret`",
    );
}

#[test]
fn grant_in_query_needs_the_grant_type() {
    assert_one(
        errors(
            quote!(grant = "password", token_path = "/t", body_style = "form_grant_in_query", send_grant_type = false),
            password(),
        ),
        "needs `send_grant_type = true`",
    );
}

#[test]
fn lifetime_must_be_positive() {
    let args = |lifetime: TokenStream| quote!(grant = "password", token_path = "/t", default_lifetime = #lifetime);
    assert_one(errors(args(quote!(0)), password()), "at least 1 second");
    assert_one(errors(args(quote!(-5)), password()), "cannot be negative");
    assert_one(errors(args(quote!("60")), password()), "write `default_lifetime = 60` without quotes");
    assert_one(errors(args(quote!(99999999999999999999999)), password()), "too large");
}

#[test]
fn wire_names_and_roles_are_unique() {
    let item: DeriveInput = parse_quote! {
        struct Vendor { username: String, password: Secret, #[oauth(param)] scope: String }
    };
    assert_one(
        errors(quote!(grant = "password", token_path = "/t", params(scope = "x")), item),
        "\"scope\" is sent twice, by field `scope` and by `params(scope = ..)`",
    );
    let item: DeriveInput = parse_quote! {
        struct Vendor { username: String, #[oauth(role = "username")] login: String, password: Secret }
    };
    assert_one(
        errors(quote!(grant = "password", token_path = "/t"), item),
        "`username` and `login` both have role \"username\"",
    );
}

#[test]
fn fields_without_a_role() {
    let item: DeriveInput = parse_quote!(
        struct Vendor {
            username: String,
            password: Secret,
            scope: String,
        }
    );
    assert_one(
        errors(quote!(grant = "password", token_path = "/t"), item),
        "does not know what to do with field `scope`",
    );
    let item: DeriveInput = parse_quote! {
        struct Vendor { username: String, password: Secret, #[oauth(role = "param", param, rol = "x")] scope: String }
    };
    // The misspelt key is reported; the field is not also called roleless.
    assert_one(
        errors(quote!(grant = "password", token_path = "/t"), item),
        "unknown key `rol` in #[oauth]: did you mean `role`?",
    );
}

#[test]
fn shapes() {
    let args = || quote!(grant = "password", token_path = "/t");
    assert_one(
        errors(
            args(),
            parse_quote!(
                enum E {
                    A,
                }
            ),
        ),
        "not on an enum",
    );
    assert_one(
        errors(
            args(),
            parse_quote!(
                struct S(String);
            ),
        ),
        "tuple struct",
    );
    assert_one(
        errors(
            args(),
            parse_quote!(
                struct S;
            ),
        ),
        "unit struct",
    );
    assert_one(
        errors(
            args(),
            parse_quote!(
                struct S<T> {
                    username: T,
                    password: Secret,
                }
            ),
        ),
        "cannot be generic",
    );
    assert_one(
        errors(
            args(),
            parse_quote!(
                struct S<'a> {
                    username: &'a str,
                    password: Secret,
                }
            ),
        ),
        "cannot be generic",
    );
}

#[test]
fn all_errors_are_reported_together() {
    let item: DeriveInput = parse_quote! {
        struct Vendor { client_id: String, client_secret: String, extra: String }
    };
    let errs = errors(
        quote!(grant = "client_credentials", token_path = "token", body_style = "jsn", default_lifetime = 0),
        item,
    );
    assert_eq!(errs.len(), 5, "{errs:#?}");
}

#[test]
fn garbage_never_panics() {
    let garbage = [
        quote!(grant),
        quote!(grant = ),
        quote!(= "x"),
        quote!("password"),
        quote!(grant("password")),
        quote!(grant = ["password"]),
        quote!(grant = 'p'),
        quote!(grant = b"password"),
        quote!(grant = "password"suffix),
        quote!(params = "x"),
        quote!(params(scope)),
        quote!(params(scope = 1)),
        quote!(params(scope = "a" "b")),
        quote!(params(a(b(c)))),
        quote!(base_url(é = "https://x.io")),
        quote!(base_url("x" = "https://x.io")),
        quote!(crate = "not a path"),
        quote!(crate = ""),
        quote!(no_expiry = true),
        quote!(send_grant_type = "false"),
        quote!(send_grant_type = 1),
        quote!(default_lifetime = 1.5),
        quote!(default_lifetime = 1 + 1),
        quote!(a::b = "c"),
        quote!(::grant = "x"),
        quote!(grant = "password",,,),
        quote!(token_path = "://"),
        quote!(token_path = "https://"),
        quote!(token_path = "é://ü"),
    ];
    for args in garbage {
        let out = oauth_provider(
            args.clone(),
            quote!(
                struct S {
                    username: String,
                }
            ),
        );
        assert!(out.to_string().contains("compile_error"), "{args}");
    }
    let huge = "x".repeat(1 << 20);
    let out = oauth_provider(
        quote!(grant = #huge, token_path = #huge),
        quote!(
            struct S {}
        ),
    );
    assert!(out.to_string().contains("compile_error"));
    let out = oauth_provider(
        quote!(grant = "password"),
        quote!(
            fn f() {}
        ),
    );
    assert!(out.to_string().contains("compile_error"));
}

#[test]
fn every_key_is_read() {
    // A key listed in KEYS but missing from the dispatch would report an internal error.
    for key in super::attr::ProviderArgs::KEYS {
        let args: TokenStream = syn::parse_str(&format!("{key} = \"x\"")).expect("tokens");
        let errs = errors(args, password());
        assert!(errs.iter().all(|e| !e.contains("internal error")), "{key}: {errs:#?}");
    }
}

#[test]
fn monta_expansion() {
    let tokens = oauth_provider(monta_args(), quote::ToTokens::into_token_stream(monta()));
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn base_urls_params_and_crate_path_expansion() {
    let tokens = oauth_provider(
        quote! {
            name = "Microbilt",
            grant = "password",
            token_path = "/OAuth/GetAccessToken",
            body_style = "form_grant_in_query",
            client_auth = "basic_raw",
            refresh = "refresh_token_grant",
            no_expiry,
            default_lifetime = 900,
            params(scope = "account", "x-tenant" = "acme"),
            base_url(sandbox = "https://apitest.microbilt.com", production = "https://api.microbilt.com"),
            auth_base_url(production = "https://auth.microbilt.com"),
            crate = "crate::oauth",
        },
        quote! {
            pub(crate) struct Microbilt {
                pub client_id: String,
                pub client_secret: Secret,
                #[oauth(role = "username")]
                pub login: String,
                pub password: Secret,
                #[oauth(param, secret, rename = "apiKey")]
                pub api_key: Secret,
            }
        },
    );
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

/// Every key of the vendor-shape data, as one Slack- and WeChat-like vendor would write them.
fn vendor_shape_args() -> TokenStream {
    quote! {
        grant = "client_credentials",
        token_path = "/oauth.v2.access",
        access_token_path = "authed_user.access_token",
        access_token_aliases("token", "data.tokens[0].value"),
        token_type_path = "authed_user.token_type",
        token_type_aliases("tokenType"),
        refresh_token_path = "authed_user.refresh_token",
        refresh_token_aliases("refreshToken"),
        expires_in_path = "authed_user.expires_in",
        expires_in_aliases("expire"),
        min_lifetime = 30,
        token_scheme = "Bearer",
        error_shape(code = "errcode", description = "errors[0].message", uri = "more", success_codes("0", "ok")),
    }
}

#[test]
fn vendor_shape_keys_are_read() {
    let spec = spec(vendor_shape_args(), client_credentials());
    let r = &spec.response;
    assert_eq!(r.access_token.segments, ["authed_user", "access_token"]);
    assert_eq!(r.access_token_aliases[1].segments, ["data", "tokens", "0", "value"]);
    assert!(matches!(&r.expiry, Expiry::In(p) if p.display() == "authed_user.expires_in"));
    assert_eq!(r.min_lifetime, 30);
    assert!(r.scheme.is_some());
    let shape = r.error_shape.as_ref().expect("error shape");
    assert_eq!(shape.success_codes, ["0", "ok"]);
    assert_eq!(shape.description.as_ref().map(|d| d.display()).as_deref(), Some("errors[0].message"));
}

#[test]
fn vendor_shape_mistakes() {
    let args = |extra: TokenStream| quote!(grant = "password", token_path = "/t", #extra);
    let one = |extra: TokenStream, needle: &str| assert_one(errors(args(extra), password()), needle);
    one(quote!(access_token_path = "a..b"), "empty segment");
    one(quote!(token_type_path = "a[0"), "`[` without its `]`");
    one(quote!(access_token = "t", access_token_path = "a.t"), "`access_token` and `access_token_path` both");
    one(quote!(expires_in_path = "a.e", no_expiry), "`expires_in_path` and `no_expiry` contradict");
    one(
        quote!(expires_in_path = "a.e", expires_at_path = "a.x", expires_format = "rfc3339"),
        "`expires_in_path` and `expires_at_path` contradict",
    );
    one(quote!(expires_at_path = "a.x"), "`expires_at_path` needs `expires_format`");
    one(quote!(access_token_aliases("t", "t")), "listed twice");
    one(quote!(access_token_aliases("access_token")), "is where `access_token` is already read");
    one(quote!(access_token_path = "a.t", access_token_aliases("a[0]", "a.t")), "already read");
    one(quote!(expires_in_aliases("e"), no_expiry), "`no_expiry` says");
    one(
        quote!(expires_in_aliases("e"), expires_at = "x", expires_format = "rfc3339"),
        "`expires_in_aliases` are other places of a lifetime",
    );
    one(quote!(min_lifetime = 0), "`min_lifetime` must be at least 1 second");
    one(quote!(token_scheme = "DPoP"), "write `presentation = \"dpop\"` instead");
    one(quote!(token_scheme = "mac"), "not supported yet");
    one(quote!(token_scheme = "beare"), "did you mean \"bearer\"");
    one(quote!(error_shape(description = "m")), "needs `code`");
    one(quote!(error_shape(code = "c", descripton = "m")), "did you mean `description`");
    one(quote!(error_shape(code = "c", code = "d")), "duplicate key `code`");
    one(quote!(error_shape(code = "c[x]")), "not an array index");
    one(quote!(error_shape = "c"), "write `error_shape(code");
    one(quote!(access_token_aliases()), "lists no alias");
    one(quote!(acess_token_path = "a"), "did you mean `access_token_path`");
}

#[test]
fn vendor_shape_expansion() {
    let tokens = oauth_provider(vendor_shape_args(), quote::ToTokens::into_token_stream(client_credentials()));
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn mutual_tls_needs_an_identity_and_sends_no_secret() {
    let args = || quote! { grant = "client_credentials", token_path = "/token", client_auth = "tls_client_auth" };
    let ok =
        spec(args(), parse_quote! { pub struct V { pub client_id: String, pub client_certificate: ClientIdentity } });
    assert!(ok.fields.iter().any(|f| f.role == Role::ClientCertificate && f.secret));
    assert_one(
        errors(args(), parse_quote! { pub struct V { pub client_id: String } }),
        "presents a TLS client certificate: add `client_certificate: ClientIdentity`",
    );
    assert_one(
        errors(args(), parse_quote! { pub struct V { pub client_id: String, pub client_certificate: Secret } }),
        "must be an `oauth_runtime::ClientIdentity`",
    );
    assert_one(
        errors(
            args(),
            parse_quote! { pub struct V { pub client_id: String, pub client_secret: Secret, pub client_certificate: ClientIdentity } },
        ),
        "sends no client secret, so `client_secret` would never be sent",
    );
    let self_signed = quote! { grant = "client_credentials", token_path = "/t", client_auth = "self_signed" };
    assert_one(
        errors(
            self_signed,
            parse_quote! { pub struct V { pub client_id: String, pub client_certificate: ClientIdentity } },
        ),
        "self_signed_tls_client_auth",
    );
}

mod endpoints {
    //! `grant_type` (a grant of the vendor's own), `grant = "token_exchange"`,
    //! `revocation_path` and `issuer`.
    use super::*;

    fn zoom() -> DeriveInput {
        parse_quote! {
            pub struct Zoom {
                pub client_id: String,
                pub client_secret: Secret,
                #[oauth(param)]
                pub account_id: String,
            }
        }
    }

    #[test]
    fn a_grant_type_of_the_vendors_own_is_sent_by_its_name() {
        let s = spec(
            quote!(
                grant_type = "account_credentials",
                token_path = "/oauth/token",
                client_auth = "basic",
                revocation_path = "/oauth/revoke",
                issuer = "https://zoom.us"
            ),
            zoom(),
        );
        assert!(matches!(&s.grant, GrantSpec::Custom(name) if name == "account_credentials"));
        assert_eq!(
            (s.revocation_path.as_deref(), s.issuer.as_deref()),
            (Some("/oauth/revoke"), Some("https://zoom.us"))
        );
        let out = oauth_provider(
            quote!(grant_type = "account_credentials", token_path = "/oauth/token", revocation_path = "/r"),
            quote!(
                pub struct Zoom {
                    pub client_id: String,
                    pub client_secret: Secret,
                    #[oauth(param)]
                    pub account_id: String,
                }
            ),
        )
        .to_string();
        assert!(out.contains("Grant :: custom (\"account_credentials\")"), "{out}");
        assert!(out.contains("with_revocation_path (\"/r\")"), "{out}");
    }

    #[test]
    fn a_misspelt_grant_still_gets_its_suggestion_and_an_unknown_one_the_way_to_declare_it() {
        let typo = errors(quote!(grant = "pasword", token_path = "/t"), password());
        assert!(!typo[0].contains("grant_type"), "a typo is only a typo: {typo:?}");
        assert_one(typo, "did you mean \"password\"?");
        let unknown = errors(quote!(grant = "account_credentials", token_path = "/t"), client_credentials());
        assert_one(
            unknown,
            "? Or, for a grant type of the vendor's own, write its wire name as `grant_type = \"account_credentials\"`",
        );
        let exchange = spec(quote!(grant = "token_exchange", token_path = "/t"), client_credentials());
        assert!(matches!(exchange.grant, GrantSpec::Known(Grant::TokenExchange)));
        assert_one(
            errors(
                quote!(grant = "urn:ietf:params:oauth:grant-type:token-exchange", token_path = "/t"),
                client_credentials(),
            ),
            "did you mean \"token_exchange\"?",
        );
    }

    #[test]
    fn grant_type_rules() {
        let zoom = || zoom();
        assert_one(
            errors(quote!(grant = "client_credentials", grant_type = "account_credentials", token_path = "/t"), zoom()),
            "keep one",
        );
        assert_one(
            errors(quote!(grant_type = "password", token_path = "/t"), password()),
            "write `grant = \"password\"`",
        );
        assert_one(
            errors(quote!(grant_type = "urn:ietf:params:oauth:grant-type:token-exchange", token_path = "/t"), zoom()),
            "write `grant = \"token_exchange\"`",
        );
        assert_one(errors(quote!(grant_type = "refresh_token", token_path = "/t"), zoom()), "refresh_token_grant");
        assert_one(
            errors(quote!(grant_type = "account credentials", token_path = "/t"), zoom()),
            "not a grant type name",
        );
        assert_one(errors(quote!(grant_type = "", token_path = "/t"), zoom()), "not a grant type name");
        assert_one(
            errors(quote!(grant_type = "account_credentials", send_grant_type = false, token_path = "/t"), zoom()),
            "sends none",
        );
        assert_one(
            errors(
                quote!(grant_type = "a", token_path = "/t", client_auth = "basic"),
                parse_quote!(
                    pub struct Z {
                        #[oauth(param)]
                        pub account_id: String,
                    }
                ),
            ),
            "no client id or client secret field",
        );
        assert_one(errors(quote!(token_path = "/t"), zoom()), "or `grant_type = \"..\"`");
        assert_one(errors(quote!(grant_typ = "a", token_path = "/t"), zoom()), "did you mean `grant_type`?");
    }

    #[test]
    fn revocation_path_and_issuer_rules() {
        let base = |extra: TokenStream| {
            errors(quote!(grant = "client_credentials", token_path = "/t", #extra), client_credentials())
        };
        assert_one(base(quote!(revocation_path = "oauth/revoke")), "write `revocation_path = \"/oauth/revoke\"`");
        assert_one(base(quote!(revocation_path = "https://h/oauth/revoke")), "not a URL");
        assert_one(base(quote!(issuer = "auth.example.com")), "write `issuer = \"https://auth.example.com\"`");
        assert_one(base(quote!(issuer = "oauth2/default")), "`issuer = \"/oauth2/default\"`");
        assert_one(base(quote!(issuer = "https://h/?tenant=1")), "no query and no fragment");
        assert!(base(quote!(issuer = "https://auth.example.com/oauth2/default")).is_empty());
        assert!(base(quote!(issuer = "/oauth2/default", revocation_path = "/v1/revoke")).is_empty());
        assert_one(base(quote!(issuer = 3)), "expected a string");
    }
}

// ---------------------------------------------------------------- signed assertions

fn private_key_jwt() -> DeriveInput {
    parse_quote! {
        pub struct Entra {
            pub client_id: String,
            pub certificate_key: SigningKey,
        }
    }
}

#[test]
fn a_signing_key_field_is_known_by_its_type_or_name() {
    let entra = spec(
        quote!(grant = "client_credentials", token_path = "/t", client_auth = "private_key_jwt"),
        private_key_jwt(),
    );
    assert_eq!(entra.fields[1].role, Role::SigningKey);
    assert!(entra.fields[1].secret, "the runtime keeps the key secret");
    let assertion = entra.assertion.expect("private_key_jwt makes assertions");
    assert_eq!((assertion.lifetime, assertion.algorithm, assertion.thumbprint), (60, None, false));
    let named = spec_of_item(
        quote!(grant = "jwt_bearer", token_path = "/t"),
        parse_quote! { pub struct G { #[oauth(role = "signing_key")] pub signing_key: oauth_runtime::key::SigningKey } },
    );
    assert_eq!(named.fields[0].role, Role::SigningKey);
    let plain = spec(client_credentials_args(), client_credentials());
    assert!(plain.assertion.is_none(), "no assertion settings where nothing signs");
}

fn spec_of_item(args: TokenStream, item: DeriveInput) -> Spec {
    spec(args, item)
}

fn client_credentials_args() -> TokenStream {
    quote!(grant = "client_credentials", token_path = "/t")
}

#[test]
fn assertion_settings_are_read() {
    use crate::provider::model::Audience;
    use crate::symbol::{AssertionScope, SigningAlg};
    let salesforce = spec(
        quote!(
            grant = "jwt_bearer",
            token_path = "/services/oauth2/token",
            assertion_audience = "token_origin",
            assertion_lifetime = 180,
            signing_alg = "PS256",
            assertion_scope = "claim",
        ),
        parse_quote! { pub struct S { pub client_id: String, pub username: String, pub key: SigningKey } },
    );
    assert!(matches!(salesforce.grant, GrantSpec::Known(Grant::JwtBearer)));
    let a = salesforce.assertion.unwrap();
    assert!(matches!(a.audience, Audience::TokenOrigin));
    assert_eq!((a.lifetime, a.algorithm, a.scope), (180, Some(SigningAlg::Ps256), AssertionScope::Claim));
    let fixed = super::model::Audience::from_written("https://login.salesforce.com");
    assert!(matches!(fixed, Audience::Fixed(url) if url == "https://login.salesforce.com"));
    let entra = spec(
        quote!(grant = "client_credentials", token_path = "/t", client_auth = "private_key_jwt", assertion_thumbprint),
        private_key_jwt(),
    );
    assert!(entra.assertion.unwrap().thumbprint);
}

#[test]
fn signing_needs_a_key_of_the_runtimes_type() {
    assert_one(
        errors(
            quote!(grant = "client_credentials", token_path = "/t", client_auth = "private_key_jwt"),
            parse_quote! { pub struct E { pub client_id: String } },
        ),
        "`client_auth = \"private_key_jwt\"` signs with the client's private key, but no field holds one: add `signing_key: SigningKey`",
    );
    assert_one(
        errors(
            quote!(grant = "jwt_bearer", token_path = "/t"),
            parse_quote! { pub struct G { pub client_id: String } },
        ),
        "`grant = \"jwt_bearer\"` signs with the client's private key",
    );
    assert_one(
        errors(
            quote!(grant = "jwt_bearer", token_path = "/t"),
            parse_quote! { pub struct G { pub signing_key: String } },
        ),
        "`signing_key` holds the key that signs assertions: declare it as `SigningKey`",
    );
    assert_one(
        errors(
            client_credentials_args(),
            parse_quote! { pub struct V { pub client_id: String, pub client_secret: Secret, pub key: SigningKey } },
        ),
        "nothing signs with `key`: add `client_auth = \"private_key_jwt\"` or `grant = \"jwt_bearer\"`",
    );
    assert_one(
        errors(
            quote!(grant = "client_credentials", token_path = "/t", client_auth = "private_key_jwt"),
            parse_quote! { pub struct E { pub key: SigningKey } },
        ),
        "`grant = \"client_credentials\"` needs a client id field",
    );
    assert!(
        errors(
            quote!(grant = "client_credentials", token_path = "/t", client_auth = "private_key_jwt"),
            private_key_jwt()
        )
        .is_empty(),
        "private_key_jwt needs no client secret"
    );
}

#[test]
fn client_secret_jwt_needs_the_secret_and_hs256() {
    assert_one(
        errors(
            quote!(grant = "jwt_bearer", token_path = "/t", client_auth = "client_secret_jwt"),
            parse_quote! { pub struct V { pub client_id: String, pub key: SigningKey } },
        ),
        "`client_auth = \"client_secret_jwt\"` needs a client secret field: add `client_secret: Secret`",
    );
    assert_one(
        errors(
            quote!(
                grant = "client_credentials",
                token_path = "/t",
                client_auth = "client_secret_jwt",
                signing_alg = "RS256"
            ),
            client_credentials(),
        ),
        "signs HS256 with the client secret",
    );
    assert!(
        errors(
            quote!(
                grant = "client_credentials",
                token_path = "/t",
                client_auth = "client_secret_jwt",
                signing_alg = "HS256"
            ),
            client_credentials()
        )
        .is_empty()
    );
    assert_one(
        errors(
            quote!(
                grant = "client_credentials",
                token_path = "/t",
                client_auth = "private_key_jwt",
                signing_alg = "HS256"
            ),
            private_key_jwt(),
        ),
        "HS256 signs with a shared secret, not with the client's key",
    );
}

#[test]
fn assertion_mistakes() {
    let pkj = |extra: TokenStream| {
        errors(
            quote!(grant = "client_credentials", token_path = "/t", client_auth = "private_key_jwt", #extra),
            private_key_jwt(),
        )
    };
    assert_one(
        pkj(quote!(signing_alg = "rs256")),
        "unknown signing_alg \"rs256\": expected one of \"RS256\", \"PS256\", \"ES256\", \"EdDSA\", \"HS256\"; did you mean \"RS256\"?",
    );
    assert_one(
        pkj(quote!(signing_alg = "ES384")),
        "expected one of \"RS256\", \"PS256\", \"ES256\", \"EdDSA\", \"HS256\"",
    );
    assert_one(pkj(quote!(assertion_audience = "login.salesforce.com")), "`assertion_audience` is \"token_endpoint\"");
    assert_one(pkj(quote!(assertion_audience = "token_endpont")), "did you mean \"token_endpoint\"?");
    assert_one(pkj(quote!(assertion_lifetime = 0)), "at least 1 second");
    assert_one(pkj(quote!(assertion_lifetime = 7200)), "longer than an hour");
    assert_one(pkj(quote!(assertion_scope = "claim")), "`assertion_scope` says where a JWT-bearer grant's scope goes");
    assert_one(
        errors(quote!(grant = "client_credentials", token_path = "/t", assertion_lifetime = 60), client_credentials()),
        "`assertion_lifetime` describes signed assertions, and this vendor makes none",
    );
    assert_one(
        errors(
            quote!(
                grant = "client_credentials",
                token_path = "/t",
                client_auth = "client_secret_jwt",
                assertion_thumbprint
            ),
            client_credentials(),
        ),
        "`assertion_thumbprint` names the certificate of the client's key",
    );
    assert_one(
        errors(quote!(grant = "jwt", token_path = "/t"), parse_quote! { pub struct G { pub key: SigningKey } }),
        "did you mean \"jwt_bearer\"?",
    );
}

#[test]
fn jwt_expansion() {
    let tokens = oauth_provider(
        quote!(
            name = "Salesforce",
            grant = "jwt_bearer",
            token_path = "/services/oauth2/token",
            assertion_audience = "token_origin",
            signing_alg = "RS256",
        ),
        quote! {
            pub struct Salesforce {
                pub client_id: String,
                pub username: String,
                pub key: SigningKey,
            }
        },
    );
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn dpop_presentation_is_read() {
    use crate::provider::model::Presentation;
    use crate::symbol::DpopAlg;
    let args = |extra: TokenStream| quote!(grant = "client_credentials", token_path = "/t", #extra);
    assert!(matches!(spec(args(quote!()), client_credentials()).presentation, Presentation::Bearer));
    assert!(matches!(
        spec(args(quote!(presentation = "bearer")), client_credentials()).presentation,
        Presentation::Bearer
    ));
    let dpop = spec(args(quote!(presentation = "dpop")), client_credentials());
    assert!(matches!(dpop.presentation, Presentation::Dpop(DpopAlg::Es256)));
    let ps = spec(args(quote!(presentation = "dpop", dpop_alg = "PS256")), client_credentials());
    assert!(matches!(ps.presentation, Presentation::Dpop(DpopAlg::Ps256)));
}

#[test]
fn dpop_mistakes() {
    let args = |extra: TokenStream| quote!(grant = "client_credentials", token_path = "/t", #extra);
    let one = |extra: TokenStream, needle: &str| assert_one(errors(args(extra), client_credentials()), needle);
    one(quote!(dpop_alg = "ES256"), "add `presentation = \"dpop\"`, or remove `dpop_alg`");
    one(quote!(presentation = "bearer", dpop_alg = "RS256"), "add `presentation = \"dpop\"`");
    one(quote!(presentation = "dpop", token_scheme = "bearer"), "remove `token_scheme`");
    one(quote!(presentation = "DPoP"), "did you mean \"dpop\"");
    one(quote!(presentation = "mtls"), "expected one of \"bearer\", \"dpop\"");
    one(quote!(presentation = "dpop", dpop_alg = "es256"), "did you mean \"ES256\"");
    one(quote!(presentation = "dpop", dpop_alg = "HS256"), "expected one of \"ES256\", \"RS256\", \"PS256\"");
}

#[test]
fn dpop_expansion() {
    let tokens = oauth_provider(
        quote!(
            grant = "client_credentials",
            token_path = "/oauth2/v1/token",
            presentation = "dpop",
            dpop_alg = "RS256"
        ),
        quote::ToTokens::into_token_stream(client_credentials()),
    );
    let text = tokens.to_string().replace(' ', "");
    assert!(text.contains(".with_presentation(::oauth_runtime::__private::Presentation::dpop(::oauth_runtime::__private::DpopAlg::Rs256))"), "{text}");
}

fn public_app() -> DeriveInput {
    parse_quote! {
        pub struct App {
            pub client_id: String,
        }
    }
}

fn github_args() -> TokenStream {
    quote! {
        grant = "device_code", client_auth = "none",
        token_path = "/login/oauth/access_token",
        device_authorization_path = "/login/device/code",
        response_format = "form_unless_json_accepted", error_status = 200,
    }
}

#[test]
fn the_device_grant_declares_its_endpoint_and_the_vendors_quirks() {
    let spec = spec(github_args(), public_app());
    assert_eq!(spec.grant, Grant::DeviceCode);
    assert_eq!(spec.authorization.device_path.as_deref(), Some("/login/device/code"));
    assert_eq!(spec.response.format, crate::symbol::ResponseFormat::FormUnlessJsonAccepted);
    assert_eq!(spec.response.error_status, Some(200));
    let expanded = oauth_provider(github_args(), quote::ToTokens::into_token_stream(public_app())).to_string();
    for part in [
        "Grant :: DeviceCode",
        "AuthorizationEndpoints :: device (\"/login/device/code\")",
        "with_format (:: oauth_runtime :: __private :: ResponseFormat :: FormUnlessJsonAccepted)",
        "with_error_status (200)",
    ] {
        assert!(expanded.contains(part), "{part} in {expanded}");
    }
}

#[test]
fn the_code_grant_declares_its_endpoints() {
    let args = quote!(
        grant = "authorization_code",
        client_auth = "none",
        token_path = "/token",
        authorization_path = "/authorize",
        par_path = "/par",
        redirect_path = "/done",
    );
    let spec = spec(args.clone(), public_app());
    let a = &spec.authorization;
    assert_eq!(
        (a.authorization_path.as_deref(), a.par_path.as_deref(), a.redirect_path.as_deref()),
        (Some("/authorize"), Some("/par"), Some("/done"))
    );
    let expanded = oauth_provider(args, quote::ToTokens::into_token_stream(public_app())).to_string();
    assert!(
        expanded.contains(
            "AuthorizationEndpoints :: code (\"/authorize\") . with_par (\"/par\") . with_redirect_path (\"/done\")"
        ),
        "{expanded}"
    );
}

#[test]
fn person_grants_need_their_endpoints_and_refuse_the_others() {
    assert_one(
        errors(quote!(grant = "device_code", client_auth = "none", token_path = "/t"), public_app()),
        "add `device_authorization_path = \"/oauth/device/code\"`",
    );
    assert_one(
        errors(quote!(grant = "authorization_code", client_auth = "none", token_path = "/t"), public_app()),
        "add `authorization_path = \"/oauth/authorize\"`",
    );
    assert_one(
        errors(
            quote!(grant = "client_credentials", token_path = "/t", device_authorization_path = "/d"),
            client_credentials(),
        ),
        "`device_authorization_path` belongs to `grant = \"device_code\"`",
    );
    let errs = errors(
        quote!(
            grant = "device_code",
            client_auth = "none",
            token_path = "/t",
            device_authorization_path = "/d",
            par_path = "/par"
        ),
        public_app(),
    );
    assert_one(errs, "`par_path` belongs to `grant = \"authorization_code\"`");
    assert_one(
        errors(
            quote!(
                grant = "authorization_code",
                client_auth = "none",
                token_path = "/t",
                authorization_path = "authorize"
            ),
            public_app(),
        ),
        "`authorization_path` must start with `/`",
    );
}

#[test]
fn person_grants_combinations_that_cannot_work() {
    let device = quote!(token_path = "/t", device_authorization_path = "/d");
    assert_one(
        errors(quote!(grant = "device_code", #device), public_app()),
        "`grant = \"device_code\"` needs a client secret field: add `client_secret: Secret`, or mark a field `#[oauth(role = \"client_secret\")]`, or set `client_auth = \"none\"` for a public client",
    );
    assert_one(
        errors(quote!(grant = "device_code", client_auth = "none", send_grant_type = false, #device), public_app()),
        "remove `send_grant_type = false`",
    );
    let errs = errors(quote!(grant = "device_code", client_auth = "none", #device), password());
    assert!(errs.iter().any(|e| e.contains("so the client sends no password: remove `password`")), "{errs:#?}");
    assert!(errs.iter().any(|e| e.contains("needs a client id field")), "{errs:#?}");
    assert_one(
        errors(quote!(grant = "device_code", client_auth = "none", error_status = 302, #device), public_app()),
        "`error_status` is the HTTP status",
    );
    assert_one(
        errors(quote!(grant = "device_code", client_auth = "none", response_format = "xml", #device), public_app()),
        "unknown response_format \"xml\"",
    );
    assert_one(errors(quote!(grant = "devise_code", token_path = "/t"), public_app()), "did you mean \"device_code\"?");
}

#[test]
fn refresh_only_renews_with_the_refresh_token_grant() {
    let seeded = spec(quote!(grant = "refresh_token", client_auth = "none", token_path = "/token"), public_app());
    assert_eq!(seeded.grant, Grant::RefreshToken);
    assert!(matches!(&seeded.refresh, Refresh::RefreshTokenGrant { path, .. } if path == "/token"));
    assert_one(
        errors(quote!(grant = "refresh_token", token_path = "/token", refresh = "regrant"), public_app()),
        "has no grant to run again: use `refresh = \"refresh_token_grant\"`",
    );
    // `refresh_path` goes with the default refresh of this grant.
    spec(quote!(grant = "refresh_token", token_path = "/token", refresh_path = "/refresh"), public_app());
}
