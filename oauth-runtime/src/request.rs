//! Token and refresh requests, built from the provider's data alone.

use reqwest::header::{self, HeaderValue};
use url::Url;
use zeroize::Zeroizing;

use crate::{
    TokenParams,
    credential::Credential,
    provider::{BodyStyle, ClientAuth, ProviderSpec, Refresh, Role},
};

/// A token request ready to send: everything but the transport.
///
/// The grant request is built once and kept for the client's life, so its secret parts (the
/// body, which may hold the client secret and password, and the HTTP Basic value) are kept in
/// buffers zeroed on drop, written in place without intermediate copies. This covers the
/// long-lived copy only: reqwest takes owned bytes, so every send copies the body into a
/// `Bytes` and the header into a `HeaderValue`, which are freed, not zeroed, once the request
/// is written.
#[derive(Clone)]
pub(crate) struct TokenRequest {
    pub url: Url,
    pub content_type: &'static str,
    pub body: Zeroizing<Vec<u8>>,
    /// The `Authorization` value (`Basic ...`), if the client authenticates with HTTP Basic.
    pub authorization: Option<Zeroizing<Vec<u8>>>,
    pub kind: RequestKind,
}

/// Why a token request is made (for logs and spans).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestKind {
    Grant,
    Refresh,
}

impl RequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Grant => "grant",
            RequestKind::Refresh => "refresh",
        }
    }
}

/// The request that obtains a token with the credentials.
pub(crate) fn grant(spec: &ProviderSpec, base: &Url, creds: &[Credential], extra: &TokenParams) -> TokenRequest {
    let token = &spec.token;
    let mut params: Vec<(&str, &str)> = spec
        .fields
        .iter()
        .zip(creds)
        .filter(|(f, _)| match f.role {
            Role::ClientId | Role::ClientSecret => in_body(token.client_auth, f.role),
            _ => true,
        })
        .map(|(f, c)| (f.name, c.expose()))
        .collect();
    let grant_type = token.send_grant_type.then(|| ("grant_type", token.grant.as_str()));
    params.extend(token.params.iter().copied());
    params.extend(extra.pairs());
    build(spec, base, token.path, grant_type, params, creds, token.client_auth, RequestKind::Grant)
}

/// The request that renews a token with `refresh_token`, or `None` if the vendor has no refresh.
pub(crate) fn refresh(
    spec: &ProviderSpec,
    base: &Url,
    creds: &[Credential],
    refresh_token: &str,
    extra: &TokenParams,
) -> Option<TokenRequest> {
    // `None`: the vendor's own endpoint, which takes the refresh token alone.
    let (path, param, grant_type, client_auth) = match spec.refresh {
        Refresh::Regrant => return None,
        Refresh::RefreshTokenGrant { path, param } => {
            (path, param, Some(("grant_type", "refresh_token")), Some(spec.token.client_auth))
        }
        Refresh::Endpoint { path, param } => (path, param, None, None),
    };
    let mut params: Vec<(&str, &str)> = Vec::new();
    for role in [Role::ClientId, Role::ClientSecret] {
        if let Some((i, f)) = spec.field(role).filter(|_| client_auth.is_some_and(|auth| in_body(auth, role))) {
            params.push((f.name, creds.get(i).map_or("", Credential::expose)));
        }
    }
    params.push((param, refresh_token));
    // RFC 6749 section 6 and RFC 8707 allow the parameters on a refresh; a vendor's own
    // endpoint takes the refresh token alone.
    if client_auth.is_some() {
        params.extend(extra.pairs());
    }
    let auth = client_auth.unwrap_or(ClientAuth::None);
    Some(build(spec, base, path, grant_type, params, creds, auth, RequestKind::Refresh))
}

/// Whether the client credential playing `role` goes in the body: both with body
/// authentication, and the client id alone for a public client (RFC 6749 sections 2.2, 3.2.1).
fn in_body(auth: ClientAuth, role: Role) -> bool {
    match auth {
        ClientAuth::Body => true,
        ClientAuth::None => role == Role::ClientId,
        ClientAuth::Basic | ClientAuth::BasicRaw => false,
    }
}

#[allow(clippy::too_many_arguments)]
fn build<'a>(
    spec: &ProviderSpec,
    base: &Url,
    path: &str,
    grant_type: Option<(&'a str, &'a str)>,
    mut params: Vec<(&'a str, &'a str)>,
    creds: &[Credential],
    auth: ClientAuth,
    kind: RequestKind,
) -> TokenRequest {
    let mut url = join(base, path);
    match (spec.token.body_style, grant_type) {
        (BodyStyle::FormGrantInQuery, Some((k, v))) => {
            url.query_pairs_mut().append_pair(k, v);
        }
        (_, Some(pair)) => params.insert(0, pair),
        (_, None) => {}
    }
    let (content_type, body) = match spec.token.body_style {
        BodyStyle::Json => ("application/json", json_object(&params)),
        BodyStyle::Form | BodyStyle::FormGrantInQuery => ("application/x-www-form-urlencoded", form(&params)),
    };
    let authorization = match auth {
        ClientAuth::Basic | ClientAuth::BasicRaw => Some(basic(spec, creds, auth == ClientAuth::Basic)),
        ClientAuth::Body | ClientAuth::None => None,
    };
    TokenRequest { url, content_type, body, authorization, kind }
}

// The writers below size their buffer for the worst case up front: a buffer that grew would
// leave the secrets it held in the old allocation, freed without being zeroed.

/// `{"k":"v",...}` in the order of `params`.
fn json_object(params: &[(&str, &str)]) -> Zeroizing<Vec<u8>> {
    // Escaping turns a byte into at most six (`\u001f`); quotes, colon and comma add six.
    let bound = 2 + params.iter().map(|(k, v)| 6 * (k.len() + v.len()) + 6).sum::<usize>();
    let mut out = Zeroizing::new(Vec::with_capacity(bound));
    out.push(b'{');
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, k);
        out.push(b':');
        let _ = serde_json::to_writer(&mut *out, v);
    }
    out.push(b'}');
    debug_assert!(out.len() <= bound);
    out
}

/// `k=v&...`, form-URL-encoded.
fn form(params: &[(&str, &str)]) -> Zeroizing<Vec<u8>> {
    // Percent-encoding turns a byte into at most three; `=` and `&` add two.
    let bound = params.iter().map(|(k, v)| 3 * (k.len() + v.len()) + 2).sum::<usize>();
    let body = form_urlencoded::Serializer::new(String::with_capacity(bound)).extend_pairs(params).finish();
    debug_assert!(body.len() <= bound);
    Zeroizing::new(body.into_bytes())
}

/// `Basic base64(id:secret)`; RFC 6749 section 2.3.1 wants both form-URL-encoded first.
fn basic(spec: &ProviderSpec, creds: &[Credential], url_encode: bool) -> Zeroizing<Vec<u8>> {
    use base64::Engine as _;
    let value = |role| spec.field(role).and_then(|(i, _)| creds.get(i)).map_or("", Credential::expose);
    let (id, secret) = (value(Role::ClientId), value(Role::ClientSecret));
    let mut pair = Zeroizing::new(String::with_capacity(3 * (id.len() + secret.len()) + 1));
    for (i, part) in [id, secret].into_iter().enumerate() {
        if i > 0 {
            pair.push(':');
        }
        if url_encode {
            pair.extend(form_urlencoded::byte_serialize(part.as_bytes()));
        } else {
            pair.push_str(part);
        }
    }
    const PREFIX: &[u8] = b"Basic ";
    let encoded = base64::encoded_len(pair.len(), true).unwrap_or(0);
    let mut header = Zeroizing::new(vec![0; PREFIX.len() + encoded]);
    header[..PREFIX.len()].copy_from_slice(PREFIX);
    // The buffer has exactly the encoded length, so this cannot fail.
    let _ = base64::engine::general_purpose::STANDARD.encode_slice(pair.as_bytes(), &mut header[PREFIX.len()..]);
    header
}

/// `base` followed by `path`, keeping any path prefix `base` has.
pub(crate) fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    let (path, query) = path.split_once('?').map_or((path, None), |(p, q)| (p, Some(q)));
    url.set_path(&format!("{prefix}/{}", path.trim_start_matches('/')));
    url.set_query(query);
    url
}

impl TokenRequest {
    /// The request as reqwest sends it. The body and header are copied into buffers reqwest
    /// owns, which are not zeroed (see [`TokenRequest`]).
    pub fn to_reqwest(&self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        let mut rb = http
            .post(self.url.clone())
            .header(header::CONTENT_TYPE, self.content_type)
            .header(header::ACCEPT, "application/json")
            .body(self.body.to_vec());
        if let Some(auth) = &self.authorization {
            rb = match HeaderValue::from_bytes(auth) {
                Ok(mut value) => {
                    // Keeps the value out of hyper's and reqwest's Debug output.
                    value.set_sensitive(true);
                    rb.header(header::AUTHORIZATION, value)
                }
                // Unreachable (base64 is a valid header value); reqwest reports it on send.
                Err(_) => rb.header(header::AUTHORIZATION, auth.as_slice()),
            };
        }
        rb
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use crate::provider::*;

    const MPS: ProviderSpec = ProviderSpec::new("MPS", TokenEndpoint::new("/token", Grant::Password))
        .with_fields(&[
            FieldSpec::new("client_id", Role::ClientId),
            FieldSpec::new("client_secret", Role::ClientSecret),
            FieldSpec::new("username", Role::Username),
            FieldSpec::new("password", Role::Password),
            FieldSpec::new("scope", Role::Param),
        ])
        .with_refresh(Refresh::refresh_token_grant("/token", "refresh_token"));

    fn creds(values: &[&str]) -> Vec<Credential> {
        values.iter().map(|v| Credential::Secret(Secret::from(*v))).collect()
    }

    use serde_json::Value;

    fn text(r: &TokenRequest) -> &str {
        std::str::from_utf8(&r.body).unwrap()
    }

    #[test]
    fn mps_password_grant_and_refresh() {
        let base = Url::parse("https://api.example.com").unwrap();
        let c = creds(&["id", "s&cret", "test@test.com", "Password123!", "account"]);
        let r = grant(&MPS, &base, &c, &TokenParams::new());
        assert_eq!(r.url.as_str(), "https://api.example.com/token");
        assert_eq!(r.content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            text(&r),
            "grant_type=password&client_id=id&client_secret=s%26cret&username=test%40test.com&password=Password123%21&scope=account"
        );
        let r = refresh(&MPS, &base, &c, "rt", &TokenParams::new()).unwrap();
        assert_eq!(text(&r), "grant_type=refresh_token&client_id=id&client_secret=s%26cret&refresh_token=rt");
    }

    #[test]
    fn json_endpoint_refresh_without_grant_type() {
        const MONTA: ProviderSpec = ProviderSpec::new(
            "Monta",
            TokenEndpoint::new("/auth/token", Grant::ClientCredentials)
                .with_body_style(BodyStyle::Json)
                .with_send_grant_type(false),
        )
        .with_fields(&[FieldSpec::new("clientId", Role::ClientId), FieldSpec::new("clientSecret", Role::ClientSecret)])
        .with_refresh(Refresh::endpoint("/auth/refresh", "refreshToken"));
        let monta = MONTA;
        let base = Url::parse("http://127.0.0.1:1/prefix/").unwrap();
        let c = creds(&["id", "sec"]);
        let r = grant(&monta, &base, &c, &TokenParams::new());
        assert_eq!(r.url.as_str(), "http://127.0.0.1:1/prefix/auth/token");
        assert_eq!(
            serde_json::from_slice::<Value>(&r.body).unwrap(),
            serde_json::json!({"clientId":"id","clientSecret":"sec"})
        );
        let r = refresh(&monta, &base, &c, "rt", &TokenParams::new()).unwrap();
        assert_eq!(r.url.path(), "/prefix/auth/refresh");
        assert_eq!(text(&r), r#"{"refreshToken":"rt"}"#);
        assert!(r.authorization.is_none());
    }

    #[test]
    fn basic_auth_encodes_before_base64() {
        let token = TokenEndpoint::new("/t", Grant::ClientCredentials).with_client_auth(ClientAuth::Basic);
        let deyel = ProviderSpec::new("D", token).with_fields(ProviderSpec::minimal("D", "/t").fields);
        let base = Url::parse("https://h").unwrap();
        let r = grant(&deyel, &base, &creds(&["my id", "p:ss"]), &TokenParams::new());
        assert_eq!(text(&r), "grant_type=client_credentials");
        // base64("my+id:p%3Ass")
        assert_eq!(r.authorization.as_deref().map(Vec::as_slice), Some(&b"Basic bXkraWQ6cCUzQXNz"[..]));
    }

    #[test]
    fn worst_case_escapes_fit_the_reserved_buffers() {
        // Control characters take six bytes in JSON, non-ASCII bytes three in a form body: the
        // writers' debug assertions check that no buffer had to grow (and leave a copy behind).
        let nasty = "\u{1}\u{1f}\"\\é€😀 &=+%";
        let base = Url::parse("https://h").unwrap();
        let c = creds(&[nasty, nasty, nasty, nasty, nasty]);
        let form = grant(&MPS, &base, &c, &TokenParams::new());
        let decoded: Vec<(String, String)> = form_urlencoded::parse(&form.body).into_owned().collect();
        assert_eq!(decoded.len(), 6);
        assert!(decoded[1..].iter().all(|(_, v)| v == nasty), "{decoded:?}");
        let json = ProviderSpec { token: MPS.token.with_body_style(BodyStyle::Json), ..MPS };
        let r = grant(&json, &base, &c, &TokenParams::new());
        let value = serde_json::from_slice::<Value>(&r.body).unwrap();
        assert_eq!(value["password"], nasty);
        assert_eq!(value["grant_type"], "password");
        let basic = ProviderSpec { token: MPS.token.with_client_auth(ClientAuth::BasicRaw), ..MPS };
        let r = grant(&basic, &base, &c, &TokenParams::new());
        assert!(r.authorization.as_deref().is_some_and(|a| a.starts_with(b"Basic ")));
        let text = String::from_utf8(r.authorization.as_deref().unwrap().clone()).unwrap();
        use base64::Engine as _;
        let pair = base64::engine::general_purpose::STANDARD.decode(&text["Basic ".len()..]).unwrap();
        assert_eq!(pair, format!("{nasty}:{nasty}").into_bytes());
    }

    #[test]
    fn token_params_go_on_the_grant_and_the_refresh_grant_only() {
        let base = Url::parse("https://api.example.com").unwrap();
        let c = creds(&["id", "s", "u", "p", "account"]);
        let params = TokenParams::new().scope("a b").audience("https://x").resource("urn:r1").resource("urn:r2");
        let tail = "&scope=a+b&audience=https%3A%2F%2Fx&resource=urn%3Ar1&resource=urn%3Ar2";
        assert!(text(&grant(&MPS, &base, &c, &params)).ends_with(&format!("scope=account{tail}")));
        assert!(text(&refresh(&MPS, &base, &c, "rt", &params).unwrap()).ends_with(&format!("refresh_token=rt{tail}")));
        let endpoint = MPS.with_refresh(Refresh::endpoint("/auth/refresh", "refreshToken"));
        assert_eq!(text(&refresh(&endpoint, &base, &c, "rt", &params).unwrap()), "refreshToken=rt");
    }

    #[test]
    fn public_client_sends_its_id_but_no_secret() {
        let minimal = ProviderSpec::minimal("P", "/t");
        let public = ProviderSpec { token: minimal.token.with_client_auth(ClientAuth::None), ..minimal }
            .with_refresh(Refresh::refresh_token_grant("/t", "refresh_token"));
        let base = Url::parse("https://h").unwrap();
        let c = creds(&["pub id", "unused"]);
        assert_eq!(
            text(&grant(&public, &base, &c, &TokenParams::new())),
            "grant_type=client_credentials&client_id=pub+id"
        );
        let r = refresh(&public, &base, &c, "rt", &TokenParams::new()).unwrap();
        assert_eq!(text(&r), "grant_type=refresh_token&client_id=pub+id&refresh_token=rt");
        assert!(r.authorization.is_none());
    }

    #[test]
    fn grant_in_query_style() {
        let token = TokenEndpoint::new("/OAuth/GetAccessToken", Grant::ClientCredentials)
            .with_body_style(BodyStyle::FormGrantInQuery);
        let mb = ProviderSpec::new("M", token).with_fields(ProviderSpec::minimal("M", "/t").fields);
        let r = grant(&mb, &Url::parse("https://h").unwrap(), &creds(&["a", "b"]), &TokenParams::new());
        assert_eq!(r.url.as_str(), "https://h/OAuth/GetAccessToken?grant_type=client_credentials");
        assert_eq!(text(&r), "client_id=a&client_secret=b");
    }
}
