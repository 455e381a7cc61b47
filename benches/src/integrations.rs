//! The client's tokens through other HTTP stacks, for the middleware variants of the request
//! benchmark: `reqwest-middleware` with [`OAuthMiddleware`], and a `tower` stack with
//! [`OAuthLayer`] over reqwest, next to the same `tower` stack with a constant header instead.
//! All of them send through the `reqwest::Client` they are given, so that against raw reqwest
//! on the same client they price the middleware alone.

use oauth_runtime::{
    middleware::{
        reqwest::OAuthMiddleware,
        tower::{BoxError, OAuthLayer},
    },
    reqwest::header::{AUTHORIZATION, HeaderValue},
};
use oauth_specs::DeyelClient;
use tower::{ServiceBuilder, util::BoxCloneSyncService};

/// A `tower` service sending `http` requests with `String` bodies through reqwest.
pub type TowerStack = BoxCloneSyncService<http::Request<String>, http::Response<reqwest::Body>, BoxError>;

/// `http` with [`OAuthMiddleware`] for `client`.
pub fn middleware_client(client: &DeyelClient, http: reqwest::Client) -> reqwest_middleware::ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(http).with(OAuthMiddleware::new(client.clone())).build()
}

/// [`OAuthLayer`] for `client` over reqwest.
pub fn tower_with_layer(client: &DeyelClient, http: reqwest::Client) -> TowerStack {
    BoxCloneSyncService::new(
        ServiceBuilder::new().layer(OAuthLayer::new(client.clone())).service(reqwest_service(http)),
    )
}

/// The same stack without the layer, sending a constant `Authorization` header: the baseline
/// that prices the layer alone, without the adapter from `http` types to reqwest.
pub fn tower_with_constant_header(bearer: HeaderValue, http: reqwest::Client) -> TowerStack {
    let service = ServiceBuilder::new()
        .map_request(move |mut req: http::Request<String>| {
            req.headers_mut().insert(AUTHORIZATION, bearer.clone());
            req
        })
        .map_err(BoxError::from)
        .service(reqwest_service(http));
    BoxCloneSyncService::new(service)
}

fn reqwest_service(
    http: reqwest::Client,
) -> impl tower::Service<
    http::Request<String>,
    Response = http::Response<reqwest::Body>,
    Error = reqwest::Error,
    Future = impl Future<Output = Result<http::Response<reqwest::Body>, reqwest::Error>> + Send,
> + Clone
+ Send
+ 'static {
    tower::service_fn(move |req: http::Request<String>| {
        let http = http.clone();
        let req = reqwest::Request::try_from(req);
        async move { Ok(http::Response::from(http.execute(req?).await?)) }
    })
}
