//! Reading `#[oauth_provider(..)]` and the fields' `#[oauth(..)]` into values with spans.
//!
//! Each argument is read on its own and a bad one is reported and skipped, so one mistake never
//! hides another. That is why keys are dispatched here rather than by `#[derive(FromMeta)]`,
//! which returns no partial result: darling supplies the meta parsing, the `FromMeta` trait the
//! value readers implement, and their error type.

use darling::FromMeta;
use darling::ast::NestedMeta;
use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, Ident, Lit, LitStr, Meta, Path, Token, UnOp};

use crate::arg::{Arg, Sp};
use crate::ctxt::Ctxt;
use crate::provider::path::FieldPathArg;
use crate::symbol::{
    AssertionScope, BodyStyle, Choice, ClientAuth, DpopAlg, ERROR_SHAPE_KEYS, Grant, InstantFormat, Presentation,
    RefreshKind, ResponseFormat, Role, SigningAlg, TokenScheme, did_you_mean, unraw,
};

/// Declares an argument struct, its accepted keys, the keys it had before they were renamed,
/// and the dispatch from key to field, in one place so that they cannot drift apart.
macro_rules! args {
    (
        $(#[$meta:meta])*
        pub(crate) struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident: $ty:ty = $key:literal, )*
        }
        renamed { $($old:literal => $new:literal,)* }
    ) => {
        $(#[$meta])*
        #[derive(Default)]
        pub(crate) struct $name {
            $( $(#[$fmeta])* pub $field: Arg<$ty>, )*
        }

        impl $name {
            /// Every key, in the order the documentation gives them.
            pub(crate) const KEYS: &'static [&'static str] = &[$($key),*];

            /// Former keys and the keys they became: rejected, naming the new key.
            pub(crate) const RENAMED: &'static [(&'static str, &'static str)] = &[$(($old, $new)),*];

            fn read_key(&mut self, key: &str, meta: &Meta, cx: &mut Ctxt) {
                match key {
                    $( $key => self.$field = Arg::read(meta, cx), )*
                    _ => cx.error_spanned_by(meta.path(), "internal error: key without a field"),
                }
            }

            fn forget_absent(&mut self) {
                $( self.$field.forget_if_absent(); )*
            }
        }
    };
}

args! {
    /// The arguments of `#[oauth_provider(..)]`.
    pub(crate) struct ProviderArgs {
        /// Display name.
        name: String = "name",
        grant: Grant = "grant",
        /// A grant type of the vendor's own, by its wire name.
        grant_type: String = "grant_type",
        token_path: String = "token_path",
        body_style: BodyStyle = "body_style",
        client_auth: ClientAuth = "client_auth",
        send_grant_type: bool = "send_grant_type",
        refresh: RefreshKind = "refresh",
        refresh_path: String = "refresh_path",
        refresh_param: String = "refresh_param",
        revocation_path: String = "revocation_path",
        issuer: String = "issuer",
        access_token: String = "access_token",
        refresh_token: String = "refresh_token",
        token_type: String = "token_type",
        expires_in: String = "expires_in",
        expires_at: String = "expires_at",
        expires_format: InstantFormat = "expires_format",
        no_expiry: () = "no_expiry",
        access_token_path: FieldPathArg = "access_token_path",
        token_type_path: FieldPathArg = "token_type_path",
        refresh_token_path: FieldPathArg = "refresh_token_path",
        expires_in_path: FieldPathArg = "expires_in_path",
        expires_at_path: FieldPathArg = "expires_at_path",
        access_token_aliases: Aliases = "access_token_aliases",
        token_type_aliases: Aliases = "token_type_aliases",
        refresh_token_aliases: Aliases = "refresh_token_aliases",
        expires_in_aliases: Aliases = "expires_in_aliases",
        /// Seconds.
        default_lifetime: u64 = "default_lifetime",
        /// Seconds.
        min_lifetime: u64 = "min_lifetime",
        token_scheme: TokenScheme = "token_scheme",
        presentation: Presentation = "presentation",
        dpop_alg: DpopAlg = "dpop_alg",
        error_shape: ErrorShapeArg = "error_shape",
        /// RFC 8628's device authorization endpoint (`grant = "device_code"`).
        device_authorization_path: String = "device_authorization_path",
        /// The authorization endpoint (`grant = "authorization_code"`).
        authorization_path: String = "authorization_path",
        /// The pushed authorization request endpoint (RFC 9126).
        par_path: String = "par_path",
        /// The loopback redirect URI's path.
        redirect_path: String = "redirect_path",
        response_format: ResponseFormat = "response_format",
        /// The HTTP status of the vendor's errors.
        error_status: u64 = "error_status",
        params: Vec<Pair> = "params",
        base_urls: Vec<Pair> = "base_url",
        /// The token host of some of the base URLs, by name.
        auth_base_urls: Vec<Pair> = "auth_base_url",
        /// The authorization endpoint's host of some of the base URLs, by name.
        authorization_base_urls: Vec<Pair> = "authorization_base_url",
        /// `"token_endpoint"`, `"token_origin"` or a URL.
        assertion_audience: String = "assertion_audience",
        /// Seconds.
        assertion_lifetime: u64 = "assertion_lifetime",
        signing_alg: SigningAlg = "signing_alg",
        assertion_scope: AssertionScope = "assertion_scope",
        assertion_thumbprint: () = "assertion_thumbprint",
        /// Path to the runtime crate.
        krate: Path = "crate",
    }
    renamed {
        "style" => "body_style",
        "auth" => "client_auth",
    }
}

args! {
    /// The arguments of a field's `#[oauth(..)]` attributes, all of them together.
    pub(crate) struct FieldArgs {
        rename: String = "rename",
        role: Role = "role",
        param: () = "param",
        secret: () = "secret",
    }
    renamed {}
}

impl ProviderArgs {
    /// Reads the tokens inside `#[oauth_provider(..)]`.
    pub(crate) fn parse(tokens: TokenStream, cx: &mut Ctxt) -> Self {
        let mut args = Self::default();
        let complete = match NestedMeta::parse_meta_list(tokens) {
            Ok(items) => {
                let keys = Keys { accepted: Self::KEYS, renamed: Self::RENAMED, attr: "#[oauth_provider]" };
                read_keys(&items, &keys, cx, |k, m, cx| args.read_key(k, m, cx))
            }
            Err(e) => {
                cx.syn_error(e);
                false
            }
        };
        if !complete {
            args.forget_absent();
        }
        args
    }
}

impl FieldArgs {
    /// Reads every `#[oauth(..)]` among a field's attributes.
    pub(crate) fn parse(attrs: &[Attribute], cx: &mut Ctxt) -> Self {
        let mut args = Self::default();
        let mut complete = true;
        for attr in attrs.iter().filter(|a| is_oauth_attr(a)) {
            let items = match &attr.meta {
                Meta::List(list) => NestedMeta::parse_meta_list(list.tokens.clone()),
                _ => Err(syn::Error::new_spanned(
                    attr,
                    format!("write `#[oauth(key = ..)]` with one of the keys {}", Self::KEYS.join(", ")),
                )),
            };
            match items {
                Ok(items) => {
                    let keys = Keys { accepted: Self::KEYS, renamed: Self::RENAMED, attr: "#[oauth]" };
                    complete &= read_keys(&items, &keys, cx, |k, m, cx| args.read_key(k, m, cx));
                }
                Err(e) => {
                    cx.syn_error(e);
                    complete = false;
                }
            }
        }
        if !complete {
            args.forget_absent();
        }
        args
    }
}

/// Whether an attribute is a field's `#[oauth(..)]`.
pub(crate) fn is_oauth_attr(attr: &Attribute) -> bool {
    attr.path().is_ident("oauth")
}

/// The keys one attribute accepts.
struct Keys {
    accepted: &'static [&'static str],
    renamed: &'static [(&'static str, &'static str)],
    /// The attribute, for messages: `#[oauth_provider]`.
    attr: &'static str,
}

/// Hands each `key = value` item to `read`, reporting literals, unknown keys and repeated keys.
/// A former key is reported and its value read under the new key, so that its value is still
/// checked and rules that depend on it still speak. Returns whether every item had a known key.
fn read_keys(
    items: &[NestedMeta],
    keys: &Keys,
    cx: &mut Ctxt,
    mut read: impl FnMut(&'static str, &Meta, &mut Ctxt),
) -> bool {
    let (accepted, attr) = (keys.accepted, keys.attr);
    let mut seen: Vec<&'static str> = Vec::new();
    let mut complete = true;
    for item in items {
        let meta = match item {
            NestedMeta::Meta(meta) => meta,
            NestedMeta::Lit(lit) => {
                cx.error_spanned_by(
                    lit,
                    format!("expected `key = value` in {attr}, with one of the keys {}", accepted.join(", ")),
                );
                complete = false;
                continue;
            }
        };
        let key = path_to_string(meta.path());
        let renamed = keys.renamed.iter().find(|(old, _)| *old == key).map(|(_, new)| *new);
        if let Some(new) = renamed {
            cx.error_spanned_by(
                meta.path(),
                format!("unknown key `{key}` in {attr}: did you mean `{new}`? (`{key}` was renamed to `{new}`)"),
            );
        }
        let (key, meta) = match renamed {
            Some(new) => (new.to_owned(), with_key(meta, new)),
            None => (key, meta.clone()),
        };
        match accepted.iter().find(|k| **k == key) {
            Some(k) if seen.contains(k) => {
                cx.error_spanned_by(meta.path(), format!("duplicate key `{key}`: keep one"));
            }
            Some(k) => {
                seen.push(k);
                read(k, &meta, cx);
            }
            None => {
                complete = false;
                let msg = match did_you_mean(&key, accepted) {
                    Some(k) => format!("unknown key `{key}` in {attr}: did you mean `{k}`?"),
                    None => format!("unknown key `{key}` in {attr}: the keys are {}", accepted.join(", ")),
                };
                cx.error_spanned_by(meta.path(), msg);
            }
        }
    }
    complete
}

/// `meta` with its key replaced by `key`, written where the old key was.
fn with_key(meta: &Meta, key: &str) -> Meta {
    let mut meta = meta.clone();
    let path = match &mut meta {
        Meta::Path(path) => path,
        Meta::List(list) => &mut list.path,
        Meta::NameValue(nv) => &mut nv.path,
    };
    *path = Path::from(Ident::new(key, path.span()));
    meta
}

/// A key as written: `grant`, `a::b`.
fn path_to_string(path: &Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.unraw().to_string()).collect();
    segments.join("::")
}

/// The expression after `key =`, or an error saying to write `key = example`.
fn value_expr<'a>(meta: &'a Meta, example: &str) -> darling::Result<&'a Expr> {
    let key = path_to_string(meta.path());
    match meta {
        Meta::NameValue(nv) => {
            let mut expr = &nv.value;
            // Values that come through `macro_rules!` arrive wrapped in an invisible group.
            while let Expr::Group(g) = expr {
                expr = &g.expr;
            }
            Ok(expr)
        }
        _ => Err(error_at(meta.span(), format!("write `{key} = {example}`"))),
    }
}

fn error_at(span: Span, msg: impl std::fmt::Display) -> darling::Error {
    syn::Error::new(span, msg).into()
}

fn lit_of(expr: &Expr) -> Option<&Lit> {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => Some(lit),
        _ => None,
    }
}

impl FromMeta for Sp<String> {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let expr = value_expr(meta, "\"...\"")?;
        let key = path_to_string(meta.path());
        match (lit_of(expr), expr) {
            (Some(Lit::Str(s)), _) => Ok(Sp::new(s.value(), s.span())),
            (Some(lit @ (Lit::Int(_) | Lit::Float(_))), _) => Err(error_at(lit.span(), number_for_string(&key))),
            (_, Expr::Path(p)) if p.path.get_ident().is_some() => Err(error_at(
                expr.span(),
                format!("write the value in double quotes: `{key} = \"{}\"`", path_to_string(&p.path)),
            )),
            _ => Err(error_at(expr.span(), format!("expected a string in double quotes: `{key} = \"...\"`"))),
        }
    }
}

/// What to write when a number stands where a string was meant: for the keys that name a field
/// of the token response, that they name it (`expires_in = 3600` meant the lifetime).
fn number_for_string(key: &str) -> String {
    let field = |holds: &str| {
        format!(
            "`{key}` names the field of the token response that holds {holds}, not a value: write the \
             field's name in double quotes, e.g. `{key} = \"{key}\"`"
        )
    };
    match key {
        "expires_in" => format!(
            "{}; to give tokens sent without a lifetime one, write `default_lifetime = 3600`",
            field("the token's lifetime in seconds")
        ),
        "expires_at" => field("the token's expiry instant"),
        "access_token" => field("the access token"),
        "refresh_token" => field("the refresh token"),
        "token_type" => field("the token type"),
        _ => format!("expected a string in double quotes: `{key} = \"...\"`"),
    }
}

impl FromMeta for Sp<bool> {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let key = path_to_string(meta.path());
        let expr = value_expr(meta, "false")?;
        match lit_of(expr) {
            Some(Lit::Bool(b)) => Ok(Sp::new(b.value, b.span)),
            Some(Lit::Str(s)) if matches!(s.value().as_str(), "true" | "false") => {
                Err(error_at(s.span(), format!("write `{key} = {}` without quotes", s.value())))
            }
            _ => Err(error_at(expr.span(), format!("expected `true` or `false`: `{key} = false`"))),
        }
    }
}

impl FromMeta for Sp<u64> {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let key = path_to_string(meta.path());
        let expr = value_expr(meta, "3600")?;
        let whole = format!("expected a whole number of seconds: `{key} = 3600`");
        match expr {
            Expr::Lit(ExprLit { lit: Lit::Int(i), .. }) if i.base10_digits().starts_with('-') => {
                Err(error_at(i.span(), format!("`{key}` cannot be negative: {whole}")))
            }
            Expr::Lit(ExprLit { lit: Lit::Int(i), .. }) => match i.base10_parse::<u64>() {
                Ok(n) => Ok(Sp::new(n, i.span())),
                Err(_) => Err(error_at(i.span(), format!("`{key}` is too large: {whole}"))),
            },
            Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) if s.value().parse::<u64>().is_ok() => {
                Err(error_at(s.span(), format!("write `{key} = {}` without quotes", s.value())))
            }
            Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => {
                Err(error_at(u.op.span(), format!("`{key}` cannot be negative: {whole}")))
            }
            other => Err(error_at(other.span(), whole)),
        }
    }
}

/// A flag such as `no_expiry`: the key alone.
impl FromMeta for Sp<()> {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        match meta {
            Meta::Path(p) => Ok(Sp::new((), p.span())),
            _ => {
                let key = path_to_string(meta.path());
                Err(error_at(meta.span(), format!("`{key}` is a flag: write `{key}` alone, without a value")))
            }
        }
    }
}

impl FromMeta for Sp<Path> {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let s = Sp::<String>::from_meta(meta)?;
        match LitStr::new(&s.value, s.span).parse::<Path>() {
            Ok(path) => Ok(Sp::new(path, s.span)),
            Err(_) => Err(error_at(
                s.span,
                "expected the path of the runtime crate, such as `crate = \"oauth_runtime\"` \
                 or `crate = \"::my_crate::oauth\"`",
            )),
        }
    }
}

/// One `key = "value"` entry of `params(..)`, `base_url(..)` or `auth_base_url(..)`.
#[derive(Clone, Debug)]
pub(crate) struct Pair {
    pub key: PairKey,
    pub value: Sp<String>,
}

/// The key of a [`Pair`]: an identifier, or a string for names that are not identifiers.
#[derive(Clone, Debug)]
pub(crate) enum PairKey {
    Ident(Ident),
    Str(LitStr),
}

impl Pair {
    /// The key as it goes on the wire (`r#type` is `type`).
    pub(crate) fn key_string(&self) -> String {
        match &self.key {
            PairKey::Ident(i) => i.unraw().to_string(),
            PairKey::Str(s) => s.value(),
        }
    }

    pub(crate) fn key_span(&self) -> Span {
        match &self.key {
            PairKey::Ident(i) => i.span(),
            PairKey::Str(s) => s.span(),
        }
    }
}

impl PairKey {
    pub(crate) fn as_ident(&self) -> Option<&Ident> {
        match self {
            PairKey::Ident(i) => Some(i),
            PairKey::Str(_) => None,
        }
    }
}

impl Pair {
    /// The associated `const` a base URL's name gives, if the name is an identifier whose
    /// upper-cased spelling is one too.
    pub(crate) fn const_ident(&self) -> Option<Ident> {
        base_url_const(self.key.as_ident()?)
    }
}

/// The name of a base URL's associated `const`, if upper-casing it gives an identifier.
pub(crate) fn base_url_const(name: &Ident) -> Option<Ident> {
    let upper = unraw(name).to_uppercase();
    let mut ident: Ident = syn::parse_str(&upper).ok()?;
    ident.set_span(name.span());
    Some(ident)
}

impl FromMeta for Sp<Vec<Pair>> {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let key = path_to_string(meta.path());
        let list = match meta {
            Meta::List(list) => list,
            _ => {
                return Err(error_at(meta.span(), format!("write `{key}(name = \"value\", ..)`")));
            }
        };
        let parser = |input: ParseStream<'_>| -> syn::Result<Vec<Pair>> {
            let mut pairs = Vec::new();
            while !input.is_empty() {
                let key = if input.peek(LitStr) {
                    PairKey::Str(input.parse()?)
                } else {
                    PairKey::Ident(input.call(Ident::parse_any)?)
                };
                input.parse::<Token![=]>()?;
                let value: LitStr = input.parse()?;
                pairs.push(Pair { key, value: Sp::new(value.value(), value.span()) });
                if !input.is_empty() {
                    input.parse::<Token![,]>()?;
                }
            }
            Ok(pairs)
        };
        let pairs = parser
            .parse2(list.tokens.clone())
            .map_err(|e| error_at(e.span(), format!("{e}: write `{key}(name = \"value\", ..)` with string values")))?;
        Ok(Sp::new(pairs, meta.path().span()))
    }
}

/// A response field's path: `access_token_path = "authed_user.access_token"`.
impl FromMeta for Sp<FieldPathArg> {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let s = Sp::<String>::from_meta(meta)?;
        let key = path_to_string(meta.path());
        read_path(&s.value, s.span).map_err(|e| error_at(s.span, format!("`{key}`: {e}")))
    }
}

fn read_path(written: &str, span: Span) -> Result<Sp<FieldPathArg>, String> {
    FieldPathArg::parse(written).map(|p| Sp::new(p, span))
}

/// Other places a response may keep a value: `access_token_aliases("token", "data.token")`.
#[derive(Clone, Debug)]
pub(crate) struct Aliases(pub Vec<Sp<FieldPathArg>>);

impl FromMeta for Sp<Aliases> {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let key = path_to_string(meta.path());
        let example = format!("write `{key}(\"name\", \"nested.name\")`");
        let Meta::List(list) = meta else {
            return Err(error_at(meta.span(), example));
        };
        let literals = list
            .parse_args_with(Punctuated::<LitStr, Token![,]>::parse_terminated)
            .map_err(|e| error_at(e.span(), format!("{e}: {example} with string paths")))?;
        if literals.is_empty() {
            return Err(error_at(
                list.delimiter.span().join(),
                format!("`{key}` lists no alias: {example}, or remove it"),
            ));
        }
        let mut errors = darling::Error::accumulator();
        let aliases = literals
            .iter()
            .filter_map(|lit| {
                errors.handle(
                    read_path(&lit.value(), lit.span()).map_err(|e| error_at(lit.span(), format!("`{key}`: {e}"))),
                )
            })
            .collect();
        errors.finish_with(Sp::new(Aliases(aliases), meta.path().span()))
    }
}

/// `error_shape(code = "..", description = "..", uri = "..", success_codes("0"))`.
#[derive(Clone, Debug)]
pub(crate) struct ErrorShapeArg {
    pub code: Sp<FieldPathArg>,
    pub description: Option<Sp<FieldPathArg>>,
    pub uri: Option<Sp<FieldPathArg>>,
    pub success_codes: Vec<Sp<String>>,
}

impl FromMeta for Sp<ErrorShapeArg> {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let example = "write `error_shape(code = \"errcode\", description = \"errmsg\")`";
        let Meta::List(list) = meta else {
            return Err(error_at(meta.span(), example));
        };
        let items = NestedMeta::parse_meta_list(list.tokens.clone())
            .map_err(|e| error_at(e.span(), format!("{e}: {example}")))?;
        let mut errors = darling::Error::accumulator();
        let (mut code, mut description, mut uri, mut success_codes) = (None, None, None, None);
        let mut complete = true;
        for item in &items {
            let NestedMeta::Meta(meta) = item else {
                errors
                    .push(error_at(item.span(), format!("expected `key = \"path\"` in `error_shape(..)`: {example}")));
                continue;
            };
            let key = path_to_string(meta.path());
            let slot = match key.as_str() {
                "code" => &mut code,
                "description" => &mut description,
                "uri" => &mut uri,
                "success_codes" => {
                    if success_codes.is_some() {
                        errors.push(error_at(meta.path().span(), "duplicate key `success_codes`: keep one"));
                    }
                    success_codes = errors.handle(read_codes(meta)).or(Some(Vec::new()));
                    continue;
                }
                _ => {
                    complete = false;
                    let msg = match did_you_mean(&key, ERROR_SHAPE_KEYS) {
                        Some(k) => format!("unknown key `{key}` in `error_shape(..)`: did you mean `{k}`?"),
                        None => format!(
                            "unknown key `{key}` in `error_shape(..)`: the keys are {}",
                            ERROR_SHAPE_KEYS.join(", ")
                        ),
                    };
                    errors.push(error_at(meta.path().span(), msg));
                    continue;
                }
            };
            if slot.is_some() {
                errors.push(error_at(meta.path().span(), format!("duplicate key `{key}`: keep one")));
            }
            // A bad path is reported; the slot still counts as written.
            *slot = Some(errors.handle(Sp::<FieldPathArg>::from_meta(meta)));
        }
        // With an unknown key, `code` may be there misspelt; the unknown key already speaks.
        if code.is_none() && complete {
            errors.push(error_at(
                meta.path().span(),
                "`error_shape(..)` needs `code`, the field whose value tells an error from a success: \
                 add e.g. `code = \"errcode\"`",
            ));
        }
        let shape = match code {
            Some(Some(code)) => Some(ErrorShapeArg {
                code,
                description: description.flatten(),
                uri: uri.flatten(),
                success_codes: success_codes.unwrap_or_default(),
            }),
            _ => None,
        };
        let shape = errors.finish_with(shape)?;
        // Only reached without errors, and then `code` is given.
        shape.map(|s| Sp::new(s, meta.path().span())).ok_or_else(|| error_at(meta.span(), example))
    }
}

/// `success_codes("0", "ok")`.
fn read_codes(meta: &Meta) -> darling::Result<Vec<Sp<String>>> {
    let example = "write `success_codes(\"0\")` with the codes that mean success";
    let Meta::List(list) = meta else {
        return Err(error_at(meta.span(), example));
    };
    let literals = list
        .parse_args_with(Punctuated::<LitStr, Token![,]>::parse_terminated)
        .map_err(|e| error_at(e.span(), format!("{e}: {example}")))?;
    if literals.is_empty() {
        return Err(error_at(meta.span(), format!("`success_codes` lists no code: {example}, or remove it")));
    }
    Ok(literals.iter().map(|l| Sp::new(l.value(), l.span())).collect())
}

/// `token_scheme = "bearer"`, in any case.
impl FromMeta for Sp<TokenScheme> {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let s = Sp::<String>::from_meta(meta)?;
        if let Some(scheme) = TokenScheme::from_name(&s.value) {
            return Ok(Sp::new(scheme, s.span));
        }
        let accepted: Vec<String> = TokenScheme::NAMES.iter().map(|n| format!("\"{n}\"")).collect();
        let msg = if s.value.eq_ignore_ascii_case("dpop") {
            "`token_scheme` pins the scheme of Bearer tokens; DPoP is a way of presenting tokens, with a \
             proof of possession on each request: write `presentation = \"dpop\"` instead"
                .to_owned()
        } else if TokenScheme::UNSUPPORTED.iter().any(|u| s.value.eq_ignore_ascii_case(u)) {
            format!(
                "`token_scheme = \"{}\"` is not supported yet: it needs a proof of possession with each \
                 request, which this client does not make; the accepted value is {}",
                s.value.escape_debug(),
                accepted.join(", ")
            )
        } else {
            let mut msg =
                format!("unknown token_scheme \"{}\": expected {}", s.value.escape_debug(), accepted.join(", "));
            if let Some(near) = did_you_mean(&s.value, TokenScheme::NAMES) {
                msg.push_str(&format!("; did you mean \"{near}\"?"));
            }
            msg
        };
        Err(error_at(s.span, msg))
    }
}

impl<T: Choice> FromMeta for Sp<T> {
    fn from_meta(meta: &Meta) -> darling::Result<Self> {
        let s = Sp::<String>::from_meta(meta)?;
        if let Some((_, v)) = T::VALUES.iter().find(|(name, _)| *name == s.value) {
            return Ok(Sp::new(*v, s.span));
        }
        let key = path_to_string(meta.path());
        let accepted: Vec<String> = T::NAMES.iter().map(|n| format!("\"{n}\"")).collect();
        let mut msg = format!("unknown {key} \"{}\": expected one of {}", s.value.escape_debug(), accepted.join(", "));
        let alias = T::ALIASES.iter().find(|(alias, _)| s.value.eq_ignore_ascii_case(alias));
        let near = alias.map(|(_, ours)| *ours).or_else(|| did_you_mean(&s.value, T::NAMES));
        if let Some(near) = near {
            msg.push_str(&format!("; did you mean \"{near}\"?"));
        }
        // A value a letter or two from a name is a typo; anything else may be a name of its own.
        let typo = alias.is_some() || near.is_some_and(|near| strsim::damerau_levenshtein(&s.value, near) <= 2);
        if !T::OTHERWISE.is_empty() && !typo {
            let otherwise = T::OTHERWISE.replace("..", &s.value.escape_debug().to_string());
            msg.push_str(&if near.is_some() { format!(" Or, {otherwise}") } else { format!("; {otherwise}") });
        }
        Err(error_at(s.span, msg))
    }
}
