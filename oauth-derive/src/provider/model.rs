//! The checked description of a provider, with every default applied: what `expand` turns into
//! a `ProviderSpec`. Mirrors `oauth_runtime::provider`, minus the `'static` data.

use syn::{Ident, Path, Type, Visibility};

use crate::arg::Arg;
use crate::provider::ast::Input;
use crate::provider::attr::Aliases;
use crate::provider::path::FieldPathArg;
use crate::symbol::{
    AssertionScope, BodyStyle, ClientAuth, DpopAlg, Grant, InstantFormat, Presentation as PresentationKind,
    RefreshKind, ResponseFormat, Role, SigningAlg, TokenScheme, default_crate_path, unraw,
};

/// A checked provider, ready to expand.
pub(crate) struct Spec {
    pub ident: Ident,
    pub vis: Visibility,
    pub krate: Path,
    pub name: String,
    pub base_urls: Vec<BaseUrl>,
    pub token_path: String,
    pub grant: GrantSpec,
    pub send_grant_type: bool,
    pub body_style: BodyStyle,
    pub client_auth: ClientAuth,
    pub params: Vec<(String, String)>,
    /// How assertions are made; `None` for a vendor that signs nothing and says nothing of it.
    pub assertion: Option<Assertion>,
    pub fields: Vec<Field>,
    pub refresh: Refresh,
    pub response: Response,
    pub revocation_path: Option<String>,
    pub issuer: Option<String>,
    pub presentation: Presentation,
    pub authorization: Authorization,
}

/// The grant: one the runtime knows, or a grant type of the vendor's own by its wire name.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum GrantSpec {
    Known(Grant),
    Custom(String),
}

/// A declaration "is" a known grant when it names it.
impl PartialEq<Grant> for GrantSpec {
    fn eq(&self, other: &Grant) -> bool {
        matches!(self, GrantSpec::Known(grant) if grant == other)
    }
}

/// How signed assertions are made.
pub(crate) struct Assertion {
    pub audience: Audience,
    pub lifetime: u64,
    pub algorithm: Option<SigningAlg>,
    pub scope: AssertionScope,
    pub thumbprint: bool,
}

/// The `aud` of an assertion.
pub(crate) enum Audience {
    TokenEndpoint,
    TokenOrigin,
    Fixed(String),
}

impl Audience {
    /// The keywords `assertion_audience` takes besides a URL.
    pub(crate) const KEYWORDS: &'static [&'static str] = &["token_endpoint", "token_origin"];

    pub(crate) fn from_written(written: &str) -> Audience {
        match written {
            "token_endpoint" => Audience::TokenEndpoint,
            "token_origin" => Audience::TokenOrigin,
            url => Audience::Fixed(url.to_owned()),
        }
    }
}

/// How tokens are presented.
pub(crate) enum Presentation {
    Bearer,
    Dpop(DpopAlg),
}

/// The endpoints of the grants that need a person.
pub(crate) struct Authorization {
    pub device_path: Option<String>,
    pub authorization_path: Option<String>,
    pub par_path: Option<String>,
    pub redirect_path: Option<String>,
}

impl Authorization {
    /// Whether anything differs from the runtime's default (no endpoints, `/callback`).
    pub(crate) fn is_declared(&self) -> bool {
        self.device_path.is_some()
            || self.authorization_path.is_some()
            || self.par_path.is_some()
            || self.redirect_path.is_some()
    }
}

/// A named base URL and the associated `const` that publishes it.
pub(crate) struct BaseUrl {
    pub name: String,
    pub konst: Ident,
    pub url: String,
    /// Where tokens are requested in this environment, when not at `url`.
    pub auth_url: Option<String>,
    /// The authorization endpoint's base URL, when another than the token host.
    pub authorization_url: Option<String>,
}

/// A credential field.
pub(crate) struct Field {
    pub member: Ident,
    pub ty: Type,
    pub wire: String,
    pub role: Role,
    pub secret: bool,
}

/// How a token is renewed.
// The variants are named as the runtime's `Refresh` variants they become.
#[allow(clippy::enum_variant_names)]
pub(crate) enum Refresh {
    Regrant,
    RefreshTokenGrant { path: String, param: String },
    Endpoint { path: String, param: String },
}

/// Where the token response keeps each value.
pub(crate) struct Response {
    pub access_token: FieldPathArg,
    pub access_token_aliases: Vec<FieldPathArg>,
    pub token_type: FieldPathArg,
    pub token_type_aliases: Vec<FieldPathArg>,
    pub refresh_token: FieldPathArg,
    pub refresh_token_aliases: Vec<FieldPathArg>,
    pub expiry: Expiry,
    pub expiry_aliases: Vec<FieldPathArg>,
    pub default_lifetime: u64,
    pub min_lifetime: u64,
    /// Pinned, whatever the token type says; `None` reads it from the token type.
    pub scheme: Option<TokenScheme>,
    pub error_shape: Option<ErrorShape>,
    pub format: ResponseFormat,
    pub error_status: Option<u16>,
}

/// How the response gives the expiry.
pub(crate) enum Expiry {
    In(FieldPathArg),
    At(FieldPathArg, InstantFormat),
    None,
}

/// Where a vendor that does not answer errors as RFC 6749 does keeps its error code.
pub(crate) struct ErrorShape {
    pub code: FieldPathArg,
    pub description: Option<FieldPathArg>,
    pub uri: Option<FieldPathArg>,
    pub success_codes: Vec<String>,
}

impl Spec {
    /// Applies the defaults to an input that passed validation.
    ///
    /// `None` only if something validation should have reported is missing; the caller turns
    /// that into an error rather than a panic.
    pub(crate) fn new(input: &Input<'_>) -> Option<Spec> {
        let args = &input.args;
        let string = |arg: &Arg<String>, default: &str| -> Option<String> { arg.or_default(default.to_owned()) };
        let token_path = args.token_path.given()?.value.clone();
        // A grant type of the vendor's own (`grant_type = ".."`) regrants by default.
        let default = args.grant.given().map_or(RefreshKind::Regrant, |g| default_refresh(g.value));
        let refresh = match args.refresh.or_default(default)? {
            RefreshKind::Regrant => Refresh::Regrant,
            RefreshKind::RefreshTokenGrant => Refresh::RefreshTokenGrant {
                path: string(&args.refresh_path, &token_path)?,
                param: string(&args.refresh_param, "refresh_token")?,
            },
            RefreshKind::Endpoint => Refresh::Endpoint {
                path: args.refresh_path.given()?.value.clone(),
                param: string(&args.refresh_param, "refresh_token")?,
            },
        };
        // A path key, when given, replaces its plain key (the checks forbid both).
        let path = |plain: &Arg<String>, path: &Arg<FieldPathArg>, default: &str| -> Option<FieldPathArg> {
            match path.given() {
                Some(p) => Some(p.value.clone()),
                None if path.is_absent() => Some(FieldPathArg::name(&plain.or_default(default.to_owned())?)),
                None => None,
            }
        };
        let aliases = |arg: &Arg<Aliases>| -> Option<Vec<FieldPathArg>> {
            Some(arg.or_default(Aliases(Vec::new()))?.0.into_iter().map(|a| a.value).collect())
        };
        let expiry = if args.no_expiry.given().is_some() {
            Expiry::None
        } else if let Some(at) = args.expires_at_path.given() {
            Expiry::At(at.value.clone(), args.expires_format.given()?.value)
        } else if let Some(at) = args.expires_at.given() {
            Expiry::At(FieldPathArg::name(&at.value), args.expires_format.given()?.value)
        } else {
            Expiry::In(path(&args.expires_in, &args.expires_in_path, "expires_in")?)
        };
        let error_shape = match &args.error_shape {
            Arg::Absent => None,
            Arg::Bad => return None,
            Arg::Given(shape) => {
                let shape = &shape.value;
                Some(ErrorShape {
                    code: shape.code.value.clone(),
                    description: shape.description.as_ref().map(|d| d.value.clone()),
                    uri: shape.uri.as_ref().map(|u| u.value.clone()),
                    success_codes: shape.success_codes.iter().map(|c| c.value.clone()).collect(),
                })
            }
        };
        let auth_urls = args.auth_base_urls.or_default(Vec::new())?;
        let authorization_urls = args.authorization_base_urls.or_default(Vec::new())?;
        let base_urls = args
            .base_urls
            .or_default(Vec::new())?
            .iter()
            .map(|pair| {
                let name = pair.key_string();
                let named = |pairs: &[crate::provider::attr::Pair]| {
                    pairs.iter().find(|a| a.key_string() == name).map(|a| a.value.value.clone())
                };
                let (auth_url, authorization_url) = (named(&auth_urls), named(&authorization_urls));
                Some(BaseUrl {
                    konst: pair.const_ident()?,
                    url: pair.value.value.clone(),
                    auth_url,
                    authorization_url,
                    name,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let grant = match (args.grant.given(), args.grant_type.given()) {
            (Some(grant), _) => GrantSpec::Known(grant.value),
            (None, Some(custom)) => GrantSpec::Custom(custom.value.clone()),
            (None, None) => return None,
        };
        let client_auth = args.client_auth.or_default(ClientAuth::Body)?;
        let signs = matches!(grant, GrantSpec::Known(Grant::JwtBearer))
            || matches!(client_auth, ClientAuth::PrivateKeyJwt | ClientAuth::ClientSecretJwt);
        let assertion = signs.then(|| -> Option<Assertion> {
            Some(Assertion {
                audience: Audience::from_written(&args.assertion_audience.or_default("token_endpoint".to_owned())?),
                lifetime: args.assertion_lifetime.or_default(60)?,
                algorithm: match &args.signing_alg {
                    Arg::Bad => return None,
                    arg => arg.given().map(|a| a.value),
                },
                scope: args.assertion_scope.or_default(AssertionScope::Body)?,
                thumbprint: args.assertion_thumbprint.given().is_some(),
            })
        });
        let assertion = match assertion {
            Some(None) => return None,
            Some(Some(a)) => Some(a),
            None => None,
        };
        let fields = input
            .fields
            .as_ref()?
            .iter()
            .map(|f| {
                Some(Field {
                    member: f.member.clone(),
                    ty: f.ty.clone(),
                    wire: f.wire.value.clone(),
                    role: f.role.given()?.value,
                    // The runtime keeps key material secret as it keeps a client secret.
                    secret: f.is_secret() || f.role.given()?.value.is_material(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let presentation = match args.presentation.or_default(PresentationKind::Bearer)? {
            PresentationKind::Bearer => Presentation::Bearer,
            PresentationKind::Dpop => Presentation::Dpop(args.dpop_alg.or_default(DpopAlg::Es256)?),
        };
        Some(Spec {
            ident: input.item.ident.clone(),
            vis: input.item.vis.clone(),
            krate: args.krate.or_default(default_crate_path())?,
            name: string(&args.name, &unraw(&input.item.ident))?,
            base_urls,
            token_path,
            grant,
            revocation_path: args.revocation_path.given().map(|p| p.value.clone()),
            issuer: args.issuer.given().map(|i| i.value.clone()),
            send_grant_type: args.send_grant_type.or_default(true)?,
            body_style: args.body_style.or_default(BodyStyle::Form)?,
            client_auth,
            assertion,
            params: args
                .params
                .or_default(Vec::new())?
                .iter()
                .map(|p| (p.key_string(), p.value.value.clone()))
                .collect(),
            fields,
            refresh,
            response: Response {
                access_token: path(&args.access_token, &args.access_token_path, "access_token")?,
                access_token_aliases: aliases(&args.access_token_aliases)?,
                token_type: path(&args.token_type, &args.token_type_path, "token_type")?,
                token_type_aliases: aliases(&args.token_type_aliases)?,
                refresh_token: path(&args.refresh_token, &args.refresh_token_path, "refresh_token")?,
                refresh_token_aliases: aliases(&args.refresh_token_aliases)?,
                expiry,
                expiry_aliases: aliases(&args.expires_in_aliases)?,
                default_lifetime: args.default_lifetime.or_default(3600)?,
                min_lifetime: args.min_lifetime.or_default(1)?,
                scheme: match &args.token_scheme {
                    Arg::Bad => return None,
                    arg => arg.given().map(|s| s.value),
                },
                error_shape,
                format: args.response_format.or_default(ResponseFormat::Json)?,
                error_status: match &args.error_status {
                    Arg::Bad => return None,
                    Arg::Absent => None,
                    Arg::Given(status) => Some(u16::try_from(status.value).ok()?),
                },
            },
            authorization: Authorization {
                device_path: optional(&args.device_authorization_path)?,
                authorization_path: optional(&args.authorization_path)?,
                par_path: optional(&args.par_path)?,
                redirect_path: optional(&args.redirect_path)?,
            },
            presentation,
        })
    }
}

/// The refresh a grant has when `refresh` is not given: a refresh-only grant renews with the
/// refresh token grant, every other grant runs again.
pub(crate) fn default_refresh(grant: Grant) -> RefreshKind {
    match grant {
        Grant::RefreshToken => RefreshKind::RefreshTokenGrant,
        _ => RefreshKind::Regrant,
    }
}

/// An optional string key: `Some(None)` when absent, `None` when it could not be read.
fn optional(arg: &Arg<String>) -> Option<Option<String>> {
    match arg {
        Arg::Bad => None,
        arg => Some(arg.given().map(|v| v.value.clone())),
    }
}
