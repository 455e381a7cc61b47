//! The checked description of a provider, with every default applied: what `expand` turns into
//! a `ProviderSpec`. Mirrors `oauth_runtime::provider`, minus the `'static` data.

use syn::{Ident, Path, Type, Visibility};

use crate::arg::Arg;
use crate::provider::ast::Input;
use crate::symbol::{BodyStyle, ClientAuth, Grant, InstantFormat, RefreshKind, Role, default_crate_path, unraw};

/// A checked provider, ready to expand.
pub(crate) struct Spec {
    pub ident: Ident,
    pub vis: Visibility,
    pub krate: Path,
    pub name: String,
    pub base_urls: Vec<BaseUrl>,
    pub token_path: String,
    pub grant: Grant,
    pub send_grant_type: bool,
    pub body_style: BodyStyle,
    pub client_auth: ClientAuth,
    pub params: Vec<(String, String)>,
    pub fields: Vec<Field>,
    pub refresh: Refresh,
    pub response: Response,
}

/// A named base URL and the associated `const` that publishes it.
pub(crate) struct BaseUrl {
    pub name: String,
    pub konst: Ident,
    pub url: String,
    /// Where tokens are requested in this environment, when not at `url`.
    pub auth_url: Option<String>,
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
    pub access_token: String,
    pub token_type: String,
    pub refresh_token: String,
    pub expiry: Expiry,
    pub default_lifetime: u64,
}

/// How the response gives the expiry.
pub(crate) enum Expiry {
    In(String),
    At(String, InstantFormat),
    None,
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
        let refresh = match args.refresh.or_default(RefreshKind::Regrant)? {
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
        let expiry = if args.no_expiry.given().is_some() {
            Expiry::None
        } else if let Some(at) = args.expires_at.given() {
            Expiry::At(at.value.clone(), args.expires_format.given()?.value)
        } else {
            Expiry::In(string(&args.expires_in, "expires_in")?)
        };
        let auth_urls = args.auth_base_urls.or_default(Vec::new())?;
        let base_urls = args
            .base_urls
            .or_default(Vec::new())?
            .iter()
            .map(|pair| {
                let name = pair.key_string();
                let auth_url = auth_urls.iter().find(|a| a.key_string() == name).map(|a| a.value.value.clone());
                Some(BaseUrl { konst: pair.const_ident()?, url: pair.value.value.clone(), auth_url, name })
            })
            .collect::<Option<Vec<_>>>()?;
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
                    secret: f.is_secret(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Spec {
            ident: input.item.ident.clone(),
            vis: input.item.vis.clone(),
            krate: args.krate.or_default(default_crate_path())?,
            name: string(&args.name, &unraw(&input.item.ident))?,
            base_urls,
            token_path,
            grant: args.grant.given()?.value,
            send_grant_type: args.send_grant_type.or_default(true)?,
            body_style: args.body_style.or_default(BodyStyle::Form)?,
            client_auth: args.client_auth.or_default(ClientAuth::Body)?,
            params: args
                .params
                .or_default(Vec::new())?
                .iter()
                .map(|p| (p.key_string(), p.value.value.clone()))
                .collect(),
            fields,
            refresh,
            response: Response {
                access_token: string(&args.access_token, "access_token")?,
                token_type: string(&args.token_type, "token_type")?,
                refresh_token: string(&args.refresh_token, "refresh_token")?,
                expiry,
                default_lifetime: args.default_lifetime.or_default(3600)?,
            },
        })
    }
}
