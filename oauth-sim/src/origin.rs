//! Separate origins ([`SimConfig::separate_origins`](crate::SimConfig::separate_origins)): the
//! authorization server's endpoints on one listener, the API on another, and a loud refusal
//! of a request that reaches the wrong one.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse as _, Response},
};

use crate::{config::Kind, log::Origin, state::Shared};

/// Which origin serves `path`: the authorization server's endpoints, the protected path of the
/// API, or `None` for a path of neither (the routes of `SimConfig::route` are the API's too,
/// told apart by the router).
fn served_at(shared: &Shared, path: &str) -> Option<Origin> {
    let spec = shared.config.spec();
    let bare = |p: &str| p.split_once('?').map_or(p, |(p, _)| p).to_owned();
    let endpoints = &spec.authorization;
    let mut auth = [Some(spec.token.path), spec.refresh.path()].into_iter().flatten().map(bare);
    let spec_only = [spec.revocation_path, endpoints.device_path, endpoints.authorization_path, endpoints.par_path];
    let is_spec = matches!(shared.config.kind(), Kind::Spec(_));
    if auth.any(|p| p == path)
        || (is_spec && spec_only.into_iter().flatten().any(|p| bare(p) == path))
        || (is_spec && crate::generic::endpoints::is_metadata(spec, path))
    {
        Some(Origin::Auth)
    } else if path == shared.config.protected_path {
        Some(Origin::Api)
    } else {
        None
    }
}

/// The middleware of a listener of one origin: a request for the other origin's endpoints is
/// refused before anything is counted or processed.
pub(crate) async fn guard(
    State((shared, origin)): State<(Arc<Shared>, Origin)>,
    request: Request,
    next: Next,
) -> Response {
    match served_at(&shared, request.uri().path()) {
        Some(owner) if owner != origin && origin != Origin::Shared => misdirected(&shared, owner, request.uri().path()),
        _ => next.run(request).await,
    }
}

/// The handler of a `SimConfig::route` path on the authorization server's listener.
pub(crate) async fn api_route(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    misdirected(&shared, Origin::Api, request.uri().path())
}

/// `421 Misdirected Request` (RFC 9110 section 15.5.20: this origin does not serve that
/// resource), saying which origin does, so a client configured with one base URL for both
/// fails with a message that names the fix.
fn misdirected(shared: &Shared, owner: Origin, path: &str) -> Response {
    shared.count_misdirected();
    let (auth, api) = (&shared.base_url, &shared.api_base_url);
    let body = match owner {
        Origin::Auth => format!(
            "421 Misdirected Request: {path} is an endpoint of the authorization server, served at {auth}, \
             not at this API origin ({api}): build the client with `.auth_base_url(\"{auth}\")`"
        ),
        _ => format!(
            "421 Misdirected Request: {path} is an API path, served at {api}, not at the authorization \
             server's origin ({auth}): build the client with `.base_url(\"{api}\")`"
        ),
    };
    (StatusCode::MISDIRECTED_REQUEST, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}
