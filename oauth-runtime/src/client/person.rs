//! The person's step of the grants that need one: the device grant and the authorization code
//! grant, started only when the program asks (`authorize_device`, `authorize`).
//!
//! The protocols live in `grant::device` and `grant::authorization_code`; this module ties
//! them to the client: the requests to the authorization server, the program's callback, and
//! the token request, which runs as the session's renewal so that its token is stored like
//! any issued token.

use std::{sync::Arc, time::Instant};

use url::Url;

use super::{Client, Inner, Session};
use crate::{
    Error, Token,
    grant::{self, CodeFlow, DeviceAuthorization, DeviceFlow, Loopback, PersonStep, Pkce, Redemption},
    provider::Role,
    wire::Kind,
};

impl<P> Client<P> {
    /// Runs the device authorization grant (RFC 8628) for this handle's token parameters
    /// (its scope): asks the vendor for a user code, hands it with the verification URI to
    /// `on_prompt` (show them to the person), then polls the token endpoint at the vendor's
    /// interval until the person approves. The token is stored and renewed as any token of the
    /// client (with its refresh token, where the vendor issues one), and returned.
    ///
    /// `on_prompt` is called once, on the task that awaits this call; it must not block
    /// (spawn what takes time). Polling follows RFC 8628: the server's `interval` (5 s when it
    /// states none), 5 s more after each `slow_down` (or the interval the answer states, when
    /// longer), on through `authorization_pending` and transient failures. Dropping the
    /// future stops the polling; a poll in flight finishes in the background and its token,
    /// if any, is stored. The client stays usable either way.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// client
    ///     .authorize_device(|prompt| {
    ///         println!("To sign in, open {} and enter the code {}", prompt.verification_uri(), prompt.user_code());
    ///     })
    ///     .await?;
    /// let me = client.get("/user").send().await?; // the person's token from now on
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Authorization`] when the person denies ([`Denied`]) or the codes expire first
    /// ([`Expired`]); the vendor's refusal of the request ([`Error::OAuth`]); transport
    /// errors of the device authorization request; [`Error::Config`] when the vendor does not
    /// declare the device grant.
    ///
    /// [`Denied`]: crate::AuthorizationFailure::Denied
    /// [`Expired`]: crate::AuthorizationFailure::Expired
    pub async fn authorize_device(
        &self,
        on_prompt: impl FnOnce(&DeviceAuthorization) + Send,
    ) -> Result<Arc<Token>, Error> {
        let (inner, session) = (&self.inner, &self.session);
        let PersonStep::Device(flow) = &inner.engine.person else {
            return Err(inner.not_declared("the device grant (`grant = \"device_code\"`)", "authorize"));
        };
        let flow: &DeviceFlow = flow;
        let build = || inner.endpoint_request(flow.url(), &session.params, true, &[]);
        let (prompt, device_code) =
            inner.send_endpoint(session, Kind::DeviceAuthorization, &build, |ctx, raw| flow.read(ctx, raw)).await?;
        let issued = Instant::now();
        tracing::info!(
            vendor = inner.spec.name,
            expires_in_secs = prompt.expires_in().as_secs(),
            "device authorization started"
        );
        on_prompt(&prompt);
        let exchange = Arc::new(Redemption::device(device_code));
        grant::device::poll_until_done(inner.spec.name, &prompt, issued, || inner.exchange(session, exchange.clone()))
            .await
    }

    /// Runs the authorization code grant with PKCE (RFC 6749 section 4.1, RFC 7636 `S256`) for
    /// this handle's token parameters (its scope), through the person's browser: listens on
    /// `127.0.0.1` at an ephemeral port for the redirect (RFC 8252), hands the authorization
    /// URL to `on_url` (open it in the person's browser), waits for the redirect, checks its
    /// `state`, and exchanges the code with its verifier and the same `redirect_uri`. Where the
    /// vendor declares a pushed authorization request endpoint (RFC 9126), the parameters are
    /// posted there with client authentication first, and the URL carries only `client_id` and
    /// `request_uri`. The token is stored and renewed as any token of the client, and returned.
    ///
    /// `on_url` is called once, on the task that awaits this call; it must not block. The wait
    /// for the redirect is bounded by
    /// [`ClientBuilder::authorization_timeout`](crate::ClientBuilder::authorization_timeout)
    /// (5 minutes by default). Dropping the future closes the listener.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// client.authorize(|url| println!("Open this page to sign in: {url}")).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Authorization`]: the person denied ([`Denied`]), the authorization server
    /// refused ([`Refused`]), the redirect's `state` was not the request's
    /// ([`StateMismatch`]), or no redirect came in time ([`TimedOut`]); the token endpoint's
    /// refusal of the code ([`Error::OAuth`]); [`Error::Config`] when the vendor does not
    /// declare the authorization code grant or has no client id field.
    ///
    /// [`Denied`]: crate::AuthorizationFailure::Denied
    /// [`Refused`]: crate::AuthorizationFailure::Refused
    /// [`StateMismatch`]: crate::AuthorizationFailure::StateMismatch
    /// [`TimedOut`]: crate::AuthorizationFailure::TimedOut
    pub async fn authorize(&self, on_url: impl FnOnce(&Url) + Send) -> Result<Arc<Token>, Error> {
        let (inner, session) = (&self.inner, &self.session);
        let PersonStep::Code(flow) = &inner.engine.person else {
            return Err(inner
                .not_declared("the authorization code grant (`grant = \"authorization_code\"`)", "authorize_device"));
        };
        let flow: &CodeFlow = flow;
        let vendor = inner.spec.name;
        let client_id = inner
            .engine
            .credentials
            .value(Role::ClientId)
            .ok_or_else(|| Error::config(format!("{vendor}: the authorization code grant needs a client id field")))?
            .to_owned();
        let pkce = Pkce::new(vendor)?;
        let state = grant::authorization_code::random_state(vendor)?;
        let listener = Loopback::bind(vendor, flow.redirect_path()).await?;
        let redirect_uri = listener.redirect_uri().to_owned();
        let pairs: [(&'static str, &str); 6] = [
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", &redirect_uri),
            ("state", &state),
            ("code_challenge", pkce.challenge()),
            ("code_challenge_method", "S256"),
        ];
        let url = match flow.par_url() {
            Some(par) => {
                let build = || inner.endpoint_request(par, &session.params, true, &pairs);
                let request_uri =
                    inner.send_endpoint(session, Kind::Par, &build, |ctx, raw| flow.read_par(ctx, raw)).await?;
                flow.browser_url([("client_id", client_id.as_str()), ("request_uri", request_uri.as_str())])
            }
            None => {
                // The same parameters as a pushed request would carry, in the URL instead:
                // no client authentication, so no secret.
                let request = inner.endpoint_request(&inner.base, &session.params, false, &pairs)?;
                flow.browser_url(request.params())
            }
        };
        tracing::info!(vendor, "authorization code grant started: waiting for the browser's redirect");
        on_url(&url);
        let code = listener.wait(vendor, &state, inner.authorization_timeout).await?;
        let exchange = Arc::new(Redemption::code(code, &redirect_uri, pkce.verifier()));
        inner.exchange(session, exchange).await
    }
}

impl Inner {
    /// One token request for what a person authorized, run as the session's own renewal.
    async fn exchange(
        self: &Arc<Self>,
        session: &Arc<Session>,
        exchange: Arc<Redemption>,
    ) -> Result<Arc<Token>, Error> {
        let entry = session.cache.exclusive(self.deadline, |_| self.authorized(session, Arc::clone(&exchange))).await?;
        Ok(entry.token.clone())
    }

    /// The error for a person's step the vendor does not declare.
    fn not_declared(&self, grant: &str, other: &str) -> Error {
        let declared = match self.engine.person {
            PersonStep::Device(_) => format!("its grant is the device grant: call `{other}`"),
            PersonStep::Code(_) => format!("its grant is the authorization code grant: call `{other}`"),
            PersonStep::None if self.spec.token.grant == crate::provider::Grant::RefreshToken => {
                "its tokens come from a refresh token: give one with `ClientBuilder::refresh_token`".to_owned()
            }
            PersonStep::None => format!("its grant is `{}`, which needs no person", self.spec.token.grant.as_str()),
        };
        Error::config(format!("{} does not declare {grant}; {declared}", self.spec.name))
    }
}
