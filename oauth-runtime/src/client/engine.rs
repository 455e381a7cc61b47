//! Token requests from the client's parts: the grant, the client authentication and the
//! presentation each add theirs to a request built anew for every attempt.

use std::{borrow::Cow, sync::Arc, time::SystemTime};

use url::Url;

use super::{Inner, Session};
use crate::{
    Credentials, Error, TokenBinding, TokenParams, TokenRequest, TokenRequestKind,
    auth::ClientAuthentication,
    grant::{self, TokenGrant, token_exchange::Resolved},
    parse::{self, ParseContext},
    present::{Challenge, DpopKeyArg, Presentation, TokenAnswer},
    provider::{Grant, ProviderSpec},
    token::Token,
    token_request::join,
    wire,
};

/// What obtains and presents this client's tokens.
pub(crate) struct Engine {
    /// The token endpoint and the refresh endpoint, joined once.
    pub token_url: Url,
    pub refresh_url: Option<Url>,
    /// The revocation endpoint (RFC 7009), declared or discovered.
    pub revocation_url: Option<Url>,
    /// The server's metadata, when the client was built from it: the other endpoints
    /// (authorization, device authorization, pushed authorization requests) are read there.
    pub metadata: Option<Arc<crate::discovery::ServerMetadata>>,
    pub credentials: Credentials,
    pub grant: Arc<dyn TokenGrant>,
    pub client_auth: Arc<dyn ClientAuthentication>,
    pub presentation: Arc<dyn Presentation>,
    /// The person's step of the declared grant, if it has one (device, authorization code).
    pub person: grant::PersonStep,
}

impl Engine {
    /// The vendor's declared parts, or those the builder was given instead.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the declared presentation cannot be made (its feature is off, the
    /// DPoP key given does not fit), or a DPoP key was given along with a presentation of
    /// one's own.
    pub fn new(
        spec: &ProviderSpec,
        // The token endpoints' base URL, and the authorization endpoint's (a browser's).
        (auth_base, authorize_base): (&Url, &Url),
        credentials: Credentials,
        grant: Option<Arc<dyn TokenGrant>>,
        client_auth: Option<Arc<dyn ClientAuthentication>>,
        presentation: Option<Arc<dyn Presentation>>,
        dpop_key: Option<DpopKeyArg>,
    ) -> Result<Engine, Error> {
        let presentation = match (presentation, dpop_key) {
            (Some(_), Some(_)) => {
                return Err(Error::config(format!(
                    "{}: `.dpop_key(..)` applies to the declared presentation, not to one given with `.presentation(..)`: give the key to that presentation instead",
                    spec.name
                )));
            }
            (Some(presentation), None) => presentation,
            (None, key) => crate::present::from_spec(spec, key)?,
        };
        Ok(Engine {
            token_url: join(auth_base, spec.token.path),
            refresh_url: grant::refresh::shape(spec.refresh).map(|shape| join(auth_base, shape.path)),
            revocation_url: spec.revocation_path.map(|path| join(auth_base, path)),
            metadata: None,
            credentials,
            grant: grant.unwrap_or_else(|| grant::from_spec(spec)),
            client_auth: client_auth.unwrap_or_else(|| crate::auth::from_spec(spec)),
            presentation,
            person: grant::PersonStep::from_spec(spec, auth_base, authorize_base)?,
        })
    }

    /// Where requests of `kind` go.
    fn url(&self, kind: TokenRequestKind) -> &Url {
        match (kind, &self.refresh_url) {
            (TokenRequestKind::Refresh, Some(url)) => url,
            _ => &self.token_url,
        }
    }
}

impl Engine {
    /// The endpoints a server's metadata gives: its token endpoint (and the refresh endpoint,
    /// where refreshes go to the token path) and its revocation endpoint replace the declared
    /// paths.
    pub fn apply_metadata(&mut self, spec: &ProviderSpec, metadata: &Arc<crate::discovery::ServerMetadata>) {
        self.metadata = Some(metadata.clone());
        if let Some(token) = &metadata.token_endpoint {
            let refresh_at_token = spec.refresh.path() == Some(spec.token.path);
            self.token_url = token.clone();
            if refresh_at_token {
                self.refresh_url = Some(token.clone());
            }
        }
        if let Some(revocation) = &metadata.revocation_endpoint {
            self.revocation_url = Some(revocation.clone());
        }
    }
}

impl Inner {
    /// The request that obtains a token with the grant; a token exchange's subject must be a
    /// token given as it is (a client's current token is read by [`Inner::grant_request_with`]'s
    /// caller).
    #[cfg(test)]
    pub(crate) fn grant_request(&self, params: &TokenParams) -> Result<TokenRequest, Error> {
        let resolved = params.exchange_ref().and_then(|e| e.resolve_now());
        self.grant_request_with(params, resolved.as_ref())
    }

    /// The request that obtains a token with the grant, with the exchange's tokens as
    /// `exchange` holds them.
    pub(crate) fn grant_request_with(
        &self,
        params: &TokenParams,
        exchange: Option<&Resolved>,
    ) -> Result<TokenRequest, Error> {
        let engine = &self.engine;
        self.build_grant(params, engine.grant.grant_type(), |request| {
            self.exchange_params(params, exchange, request)?;
            engine.grant.parameters(&engine.credentials, request)
        })
    }

    /// The token request of a grant a person authorized: the grant's parameters come from the
    /// person's step (`redemption`), the rest as for any grant.
    pub(crate) fn exchange_request(
        &self,
        params: &TokenParams,
        redemption: &grant::Redemption,
    ) -> Result<TokenRequest, Error> {
        self.build_grant(params, redemption.grant_type, |request| {
            for (name, value) in &redemption.params {
                request.param(*name, value);
            }
            Ok(())
        })
    }

    fn build_grant(
        &self,
        params: &TokenParams,
        grant_type: &str,
        parameters: impl FnOnce(&mut TokenRequest) -> Result<(), Error>,
    ) -> Result<TokenRequest, Error> {
        let token = &self.spec.token;
        let mut request = TokenRequest::new(self.engine.token_url.clone(), TokenRequestKind::Grant, token.body_style);
        let engine = &self.engine;
        if token.send_grant_type {
            request.set_grant_type(Some(Cow::Owned(grant_type.to_owned())));
        }
        engine.client_auth.apply(&engine.credentials, &mut request)?;
        parameters(&mut request)?;
        self.finish(&mut request, params, true)?;
        engine.grant.complete(&engine.credentials, &mut request)?;
        Ok(request)
    }

    /// A token exchange's subject and actor (RFC 8693 section 2.1), which only a
    /// token-exchange grant takes, and which it cannot do without.
    fn exchange_params(
        &self,
        params: &TokenParams,
        exchange: Option<&Resolved>,
        request: &mut TokenRequest,
    ) -> Result<(), Error> {
        let vendor = self.spec.name;
        let grant_type = self.engine.grant.grant_type();
        let exchanging = grant_type == Grant::TOKEN_EXCHANGE;
        match (params.exchange_ref(), exchange) {
            (None, _) if exchanging => Err(Error::argument(
                vendor,
                None,
                "this vendor's grant is token exchange: its tokens are obtained for a subject token, \
                 through `client.exchange(Exchange::new(subject))`",
            )),
            (None, _) => Ok(()),
            (Some(_), _) if !exchanging => Err(Error::config(format!(
                "{vendor}: `exchange(..)` needs a vendor whose grant is token exchange (`grant = \"token_exchange\"`); \
                 this one's grant type is `{grant_type}`"
            ))),
            (Some(_), None) => Err(Error::internal(vendor, "the token exchange's subject token was not read")),
            (Some(_), Some(resolved)) => {
                for (name, value) in &resolved.params {
                    request.param(*name, value);
                }
                Ok(())
            }
        }
    }

    /// A request to another endpoint of the authorization server (device authorization,
    /// pushed authorization request): no `grant_type`, the client authentication when
    /// `authenticate`, the credential parameters (`role = "param"` fields; public ones only
    /// without authentication, since the request becomes a URL; never key material), `pairs`,
    /// then the vendor's fixed parameters and the handle's token parameters.
    pub(crate) fn endpoint_request(
        &self,
        url: &Url,
        params: &TokenParams,
        authenticate: bool,
        pairs: &[(&'static str, &str)],
    ) -> Result<TokenRequest, Error> {
        use crate::provider::Role;
        let engine = &self.engine;
        let mut request = TokenRequest::new(url.clone(), TokenRequestKind::Grant, self.spec.token.body_style);
        if authenticate {
            engine.client_auth.apply(&engine.credentials, &mut request)?;
        }
        for (field, value) in engine.credentials.iter() {
            let own = !matches!(field.role, Role::ClientId | Role::ClientSecret) && !value.is_material();
            if own && (authenticate || !value.is_secret()) {
                request.param(field.name, value.expose());
            }
        }
        for (name, value) in pairs {
            request.param(*name, value);
        }
        self.finish(&mut request, params, true)?;
        Ok(request)
    }

    /// Sends a request to an endpoint of the authorization server (built anew for each
    /// attempt) and reads it with `read`, redacting this session's secrets from excerpts.
    pub(crate) async fn send_endpoint<T>(
        &self,
        session: &Session,
        kind: wire::Kind,
        build: &(dyn Fn() -> Result<TokenRequest, Error> + Send + Sync),
        read: impl FnOnce(&ParseContext<'_>, &parse::RawResponse) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let raw = self.transport.send(TokenRequestKind::Grant, &self.wire_site(kind), &mut 0, build).await?;
        self.with_secrets(session, |secrets| {
            let ctx = ParseContext { vendor: self.spec.name, response: &self.spec.response, secrets };
            read(&ctx, &raw)
        })
    }

    /// Where this client's exchanges of `kind` with the authorization server happen, for the
    /// wire events: their URLs never show the credentials' secrets nor the refresh token.
    pub(crate) fn wire_site(&self, kind: wire::Kind) -> wire::Site<'_> {
        let known =
            wire::Known { credentials: Some(&self.engine.credentials), param: self.spec.refresh.param(), values: &[] };
        wire::Site { vendor: Some(self.spec.name), kind, operation: None, known }
    }

    /// Whether tokens are renewed with their refresh token: the vendor declares a refresh and
    /// the grant uses it.
    pub(crate) fn refreshes(&self) -> bool {
        self.engine.refresh_url.is_some() && self.engine.grant.refreshes()
    }

    /// The request that renews a token with `refresh_token` (the token bound to `binding`, if
    /// it is), or `None` if the vendor has no refresh or the grant does not use it.
    pub(crate) fn refresh_request(
        &self,
        refresh_token: &str,
        binding: Option<&TokenBinding>,
        params: &TokenParams,
    ) -> Option<Result<TokenRequest, Error>> {
        let shape = grant::refresh::shape(self.spec.refresh).filter(|_| self.refreshes())?;
        let url = self.engine.refresh_url.clone()?;
        let mut request = TokenRequest::new(url, TokenRequestKind::Refresh, self.spec.token.body_style);
        request.set_binding(binding.cloned());
        let result = (|| {
            if shape.standard {
                self.engine.client_auth.apply(&self.engine.credentials, &mut request)?;
            }
            shape.apply(refresh_token, &mut request);
            self.finish(&mut request, params, shape.standard)?;
            Ok(())
        })();
        Some(result.map(|()| request))
    }

    /// The parts every token request shares: the vendor's fixed parameters, the handle's
    /// token parameters (each replacing a value of the same name, RFC 6749 section 3.1), and
    /// the presentation's.
    fn finish(&self, request: &mut TokenRequest, params: &TokenParams, with_params: bool) -> Result<(), Error> {
        if with_params {
            for (name, value) in self.spec.token.params.iter().copied() {
                request.param(name, value);
            }
            if params.has_resources() {
                request.remove_param("resource");
            }
            for (name, value) in params.pairs() {
                match name {
                    "resource" => request.append_param(name, value),
                    _ => request.param(name, value),
                }
            }
        }
        self.engine.presentation.on_token_request(request)
    }

    /// The endpoint a request of `kind` goes to, as errors name it.
    pub(crate) fn endpoint(&self, kind: TokenRequestKind) -> crate::Endpoint {
        let url = match kind {
            TokenRequestKind::Refresh => self.engine.refresh_url.as_ref(),
            TokenRequestKind::Revocation => self.engine.revocation_url.as_ref(),
            _ => None,
        };
        crate::Endpoint::new(kind, url.unwrap_or(&self.engine.token_url).as_str())
    }

    /// Sends a token request (built anew for each attempt) and reads the token it answers. The
    /// token is bound to `bound` (the binding of the token a refresh renews) or else to the
    /// presentation's own key, if it binds tokens.
    ///
    /// The presentation reads every answer; when it asks (a DPoP nonce), the request is built
    /// anew and sent once more, once: a server that keeps asking gets its answer returned.
    /// An answer that asks for a nonce has not used the refresh token (RFC 9449 section 8),
    /// so a refresh is sent again too.
    pub(crate) async fn fetch(
        &self,
        session: &Session,
        kind: TokenRequestKind,
        bound: Option<&TokenBinding>,
        build: &(dyn Fn() -> Result<TokenRequest, Error> + Send + Sync),
    ) -> Result<Token, Error> {
        let endpoint = self.endpoint(kind);
        let presentation = &self.engine.presentation;
        let mut resent = false;
        let site = self.wire_site(kind.into());
        // The second attempt after a DPoP nonce numbers on from the first's.
        let mut attempts = 0;
        let result = loop {
            let raw = self.transport.send(kind, &site, &mut attempts, build).await.map_err(|e| e.at(&endpoint))?;
            let result = self.with_secrets(session, |secrets| {
                let ctx = ParseContext { vendor: self.spec.name, response: &self.spec.response, secrets };
                parse::token_response(&ctx, &raw, SystemTime::now())
            });
            let answer = TokenAnswer {
                url: self.engine.url(kind),
                status: raw.status,
                headers: &raw.headers,
                error: result.as_ref().err().and_then(Error::oauth_code).map(|code| code.as_str()),
            };
            if presentation.token_challenge(&answer) == Challenge::RetrySameToken && !resent {
                tracing::info!(
                    vendor = self.spec.name,
                    "the token endpoint asked for another attempt (a new DPoP nonce)"
                );
                resent = true;
                continue;
            }
            break result;
        };
        // Never sent bare: a token this client cannot present is an error here.
        let result = result.and_then(|mut token| match token.scheme() {
            scheme if presentation.accepts(&scheme) => {
                token.set_binding(bound.cloned().or_else(|| presentation.binding()));
                Ok(token)
            }
            scheme => Err(Error::UnsupportedTokenType { vendor: self.spec.name, scheme }),
        });
        let result = result.map_err(|e| e.at(&endpoint));
        match &result {
            Ok(token) => tracing::info!(expires_in_secs = token.expires_in().as_secs(), "token issued"),
            // A device grant's poll answered "not yet": the expected answer, not a failure.
            Err(Error::OAuth(e)) if ["authorization_pending", "slow_down"].iter().any(|c| e.code.as_str() == *c) => {
                tracing::debug!(code = e.code.as_str(), "authorization not granted yet")
            }
            Err(error) => tracing::warn!(%error, "token request failed"),
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::{Client, Credential, Provider, Secret, TokenParams, TokenRequest, provider::*};

    /// A provider of `SPEC` with the secret credential values `VALUES`.
    macro_rules! vendor {
        ($name:ident, $spec:expr, [$($value:expr),*]) => {
            struct $name;
            impl Provider for $name {
                const SPEC: &'static ProviderSpec = &$spec;
                fn credentials(self) -> Vec<Credential> {
                    vec![$(Credential::Secret(Secret::from($value))),*]
                }
            }
        };
    }

    const MPS: ProviderSpec = ProviderSpec::new("MPS", TokenEndpoint::new("/token", Grant::Password))
        .with_fields(&[
            FieldSpec::new("client_id", Role::ClientId),
            FieldSpec::new("client_secret", Role::ClientSecret),
            FieldSpec::new("username", Role::Username),
            FieldSpec::new("password", Role::Password),
            FieldSpec::new("scope", Role::Param),
        ])
        .with_refresh(Refresh::refresh_token_grant("/token", "refresh_token"));

    fn text(r: &TokenRequest) -> String {
        String::from_utf8(r.body().1.to_vec()).unwrap()
    }

    fn client<P: Provider>(p: P, base: &str) -> Client<P> {
        Client::builder(p).base_url(base).build().unwrap()
    }

    #[test]
    fn mps_password_grant_and_refresh() {
        vendor!(Mps, MPS, ["id", "s&cret", "test@test.com", "Password123!", "account"]);
        let c = client(Mps, "https://api.example.com");
        let r = c.inner.grant_request(&TokenParams::new()).unwrap();
        assert_eq!(r.wire_url().as_str(), "https://api.example.com/token");
        assert_eq!(r.body().0, "application/x-www-form-urlencoded");
        assert_eq!(
            text(&r),
            "grant_type=password&client_id=id&client_secret=s%26cret&username=test%40test.com&password=Password123%21&scope=account"
        );
        let r = c.inner.refresh_request("rt", None, &TokenParams::new()).unwrap().unwrap();
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
        vendor!(Monta, MONTA, ["id", "sec"]);
        let c = client(Monta, "http://127.0.0.1:1/prefix/");
        let r = c.inner.grant_request(&TokenParams::new()).unwrap();
        assert_eq!(r.wire_url().as_str(), "http://127.0.0.1:1/prefix/auth/token");
        assert_eq!(
            serde_json::from_slice::<Value>(&r.body().1).unwrap(),
            serde_json::json!({"clientId":"id","clientSecret":"sec"})
        );
        let r = c.inner.refresh_request("rt", None, &TokenParams::new().scope("x")).unwrap().unwrap();
        assert_eq!(r.url().path(), "/prefix/auth/refresh");
        assert_eq!(text(&r), r#"{"refreshToken":"rt"}"#, "a vendor endpoint takes the refresh token alone");
        assert!(r.headers().is_empty());
    }

    #[test]
    fn basic_auth_encodes_before_base64_and_raw_does_not() {
        const D: ProviderSpec = ProviderSpec::new(
            "D",
            TokenEndpoint::new("/t", Grant::ClientCredentials).with_client_auth(ClientAuth::Basic),
        )
        .with_fields(ProviderSpec::minimal("D", "/t").fields);
        vendor!(Deyel, D, ["my id", "p:ss"]);
        let r = client(Deyel, "https://h").inner.grant_request(&TokenParams::new()).unwrap();
        assert_eq!(text(&r), "grant_type=client_credentials");
        // base64("my+id:p%3Ass")
        assert_eq!(r.headers()["authorization"], "Basic bXkraWQ6cCUzQXNz");
        assert!(r.headers()["authorization"].is_sensitive());
        const RAW: ProviderSpec = ProviderSpec { token: D.token.with_client_auth(ClientAuth::BasicRaw), ..D };
        vendor!(Raw, RAW, ["my id", "p:ss"]);
        let r = client(Raw, "https://h").inner.grant_request(&TokenParams::new()).unwrap();
        // base64("my id:p:ss")
        assert_eq!(r.headers()["authorization"], "Basic bXkgaWQ6cDpzcw==");
    }

    #[test]
    fn worst_case_escapes_fit_the_reserved_buffers() {
        // Control characters take six bytes in JSON, non-ASCII bytes three in a form body: the
        // writers' debug assertions check that no buffer had to grow (and leave a copy behind).
        const NASTY: &str = "\u{1}\u{1f}\"\\é€😀 &=+%";
        vendor!(Form, MPS, [NASTY, NASTY, NASTY, NASTY, NASTY]);
        let r = client(Form, "https://h").inner.grant_request(&TokenParams::new()).unwrap();
        let decoded: Vec<(String, String)> = form_urlencoded::parse(&r.body().1).into_owned().collect();
        assert_eq!(decoded.len(), 6);
        assert!(decoded[1..].iter().all(|(_, v)| v == NASTY), "{decoded:?}");
        const JSON: ProviderSpec = ProviderSpec { token: MPS.token.with_body_style(BodyStyle::Json), ..MPS };
        vendor!(Json, JSON, [NASTY, NASTY, NASTY, NASTY, NASTY]);
        let r = client(Json, "https://h").inner.grant_request(&TokenParams::new()).unwrap();
        let value = serde_json::from_slice::<Value>(&r.body().1).unwrap();
        assert_eq!((value["password"].as_str(), value["grant_type"].as_str()), (Some(NASTY), Some("password")));
    }

    #[test]
    fn token_params_replace_the_vendors_and_go_on_the_refresh_grant() {
        vendor!(Mps, MPS, ["id", "s", "u", "p", "account"]);
        let c = client(Mps, "https://api.example.com");
        let params = TokenParams::new().scope("b a").audience("https://x").resource("urn:r1").resource("urn:r2");
        let tail = "&audience=https%3A%2F%2Fx&resource=urn%3Ar1&resource=urn%3Ar2";
        let grant = text(&c.inner.grant_request(&params).unwrap());
        // The handle's scope replaces the vendor's `scope` field: sent once (RFC 6749 section 3.1).
        assert_eq!(grant.matches("scope=").count(), 1, "{grant}");
        assert!(grant.ends_with(&format!("password=p&scope=a+b{tail}")), "{grant}");
        let refresh = text(&c.inner.refresh_request("rt", None, &params).unwrap().unwrap());
        assert!(refresh.ends_with(&format!("refresh_token=rt&scope=a+b{tail}")), "{refresh}");
    }

    #[test]
    fn fixed_vendor_parameters_are_replaced_by_the_handles() {
        const FIXED: ProviderSpec = ProviderSpec::new(
            "F",
            TokenEndpoint::new("/t", Grant::ClientCredentials)
                .with_params(&[("scope", "default"), ("resource", "urn:v")]),
        )
        .with_fields(ProviderSpec::minimal("F", "/t").fields);
        vendor!(Fixed, FIXED, ["id", "s"]);
        let c = client(Fixed, "https://h");
        let plain = text(&c.inner.grant_request(&TokenParams::new()).unwrap());
        assert!(plain.ends_with("scope=default&resource=urn%3Av"), "{plain}");
        let mine = text(&c.inner.grant_request(&TokenParams::new().scope("mine").resource("urn:m")).unwrap());
        assert_eq!((mine.matches("scope=").count(), mine.matches("resource=").count()), (1, 1), "{mine}");
        assert!(mine.contains("scope=mine") && mine.contains("resource=urn%3Am"), "{mine}");
    }

    #[test]
    fn public_client_sends_its_id_but_no_secret() {
        const PUBLIC: ProviderSpec = ProviderSpec::new(
            "P",
            TokenEndpoint::new("/t", Grant::ClientCredentials).with_client_auth(ClientAuth::None),
        )
        .with_fields(ProviderSpec::minimal("P", "/t").fields)
        .with_refresh(Refresh::refresh_token_grant("/t", "refresh_token"));
        vendor!(Public, PUBLIC, ["pub id", "unused"]);
        let c = client(Public, "https://h");
        assert_eq!(
            text(&c.inner.grant_request(&TokenParams::new()).unwrap()),
            "grant_type=client_credentials&client_id=pub+id"
        );
        let r = c.inner.refresh_request("rt", None, &TokenParams::new()).unwrap().unwrap();
        assert_eq!(text(&r), "grant_type=refresh_token&client_id=pub+id&refresh_token=rt");
        assert!(r.headers().is_empty());
    }

    #[test]
    fn grant_in_query_style() {
        const MB: ProviderSpec = ProviderSpec::new(
            "M",
            TokenEndpoint::new("/OAuth/GetAccessToken", Grant::ClientCredentials)
                .with_body_style(BodyStyle::FormGrantInQuery),
        )
        .with_fields(ProviderSpec::minimal("M", "/t").fields);
        vendor!(Mb, MB, ["a", "b"]);
        let r = client(Mb, "https://h").inner.grant_request(&TokenParams::new()).unwrap();
        assert_eq!(r.wire_url().as_str(), "https://h/OAuth/GetAccessToken?grant_type=client_credentials");
        assert_eq!(text(&r), "client_id=a&client_secret=b");
    }

    #[test]
    fn a_grant_of_ones_own_is_built_on_every_request() {
        use std::sync::atomic::{AtomicU32, Ordering};
        #[derive(Debug, Default)]
        struct Counting(AtomicU32);
        impl crate::grant::TokenGrant for Counting {
            fn grant_type(&self) -> &str {
                "urn:example:counting"
            }
            fn parameters(&self, _: &crate::Credentials, request: &mut TokenRequest) -> Result<(), crate::Error> {
                let n = self.0.fetch_add(1, Ordering::Relaxed);
                request.param("jti", &n.to_string());
                Ok(())
            }
        }
        vendor!(Own, ProviderSpec::minimal("O", "/t"), ["id", "s"]);
        let c = Client::builder(Own).base_url("https://h").grant(Counting::default()).build().unwrap();
        let one = c.inner.grant_request(&TokenParams::new()).unwrap();
        let two = c.inner.grant_request(&TokenParams::new()).unwrap();
        assert_eq!(one.grant_type(), Some("urn:example:counting"));
        assert_eq!((one.get("jti"), two.get("jti")), (Some("0"), Some("1")), "fresh on every request");
    }
}
