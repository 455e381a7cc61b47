//! The operations of an OpenAPI document served behind the simulator's bearer check (feature
//! `openapi`): each answers its declared example or a value made from its schema
//! ([`oauth_codegen::sample`]), or, when a test asks, one of its declared errors.
//!
//! The routes go through [`SimConfig::route`]'s mechanism, so they get the same token check,
//! faults for [`Target::Api`](crate::Target::Api) and counters as hand-written ones. A
//! document's path templates are made axum routes that cannot clash: a placeholder is named by
//! its position (`/repos/{owner}/{repo}` and `/repos/{template_owner}/{template_repo}/generate`
//! would clash under their own names), a segment that axum reads as syntax (`{name}.json`,
//! `:id`, `*`) is a placeholder as a whole. Whatever still cannot be served as declared (two
//! operations on one route, a route the simulator's own endpoints answer, a route
//! [`SimConfig::route`] already serves) is left out with a note in
//! [`SimConfig::openapi_report`], never a panic.

use std::sync::{Arc, Mutex, PoisonError};

use axum::{
    extract::Request,
    http::{HeaderValue, Method, StatusCode, header},
    response::{IntoResponse as _, Response},
    routing::{MethodFilter, MethodRouter},
};
use oauth_codegen::{
    Report,
    sample::{self, Answer, Route, Routes},
};

use crate::{SimConfig, Simulator, openapi_body, openapi_query};

/// The routes of one document, and the error answers queued for them.
#[derive(Debug)]
pub(crate) struct Served {
    routes: Vec<Route>,
    /// Error answers for the next calls, by route index, in the order they were asked for.
    queued: Mutex<Vec<(usize, Answer)>>,
    report: Report,
}

impl Served {
    /// The answer to `request`, a call of route `index`: the refusal of a query or a body that
    /// is not the declared one, else the first error queued for it, else its success.
    async fn respond(&self, index: usize, request: Request) -> Response {
        let Some(route) = self.routes.get(index) else { return self.answer(index) };
        if let Err(fault) = openapi_query::check(&route.operation, &route.query, request.uri().query()) {
            return openapi_body::refuse(StatusCode::BAD_REQUEST, fault);
        }
        if let Some(declared) = &route.request {
            let (parts, body) = request.into_parts();
            if let Err(refused) = openapi_body::check(&route.operation, declared, &parts.headers, body).await {
                return refused;
            }
        }
        self.answer(index)
    }

    /// The answer to a call of route `index`: the first error queued for it, else its success.
    fn answer(&self, index: usize) -> Response {
        let queued = {
            let mut queued = self.queued.lock().unwrap_or_else(PoisonError::into_inner);
            queued.iter().position(|(i, _)| *i == index).map(|at| queued.remove(at).1)
        };
        match (&queued, self.routes.get(index)) {
            (Some(answer), _) => render(answer),
            (None, Some(route)) => render(&route.success),
            (None, None) => StatusCode::NOT_FOUND.into_response(),
        }
    }

    /// Queues the error answer of `operation` for `status`; false when there is none.
    fn queue_error(&self, operation: &str, status: u16) -> bool {
        let Some(index) = self.routes.iter().position(|r| r.operation == operation) else { return false };
        let Some(answer) = self.routes[index].error(status) else { return false };
        self.queued.lock().unwrap_or_else(PoisonError::into_inner).push((index, answer));
        true
    }
}

fn render(answer: &Answer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, answer.body_bytes()).into_response();
    if let Some(value) = answer.content_type.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

impl SimConfig {
    /// Serves every operation of an OpenAPI 3.0 or 3.1 document (JSON or YAML) behind the
    /// simulator's bearer check: each answers its first 2xx status with the document's example
    /// of that answer, or a value made from its schema ([`oauth_codegen::sample::routes`]), to a
    /// token that carries the scopes the operation's `security` (or the document's) names, as
    /// [`SimConfig::scoped_route`] checks them (`403 insufficient_scope` otherwise);
    /// [`Simulator::respond_with_error`] makes a call answer a declared error instead. Paths
    /// are served as the document writes them, without the server URL's path: point the client
    /// at [`Simulator::base_url`]. A request body is checked against the declared one: present
    /// when required, of a declared media type (JSON of any kind where JSON is declared), and a
    /// `multipart/form-data` body with the parts its schema requires, files sent as files
    /// (`400`, `415`, with an `invalid_request` error that names the fault); JSON and form
    /// bodies are not checked against their schemas. The query string is checked against the
    /// declared query parameters: the required ones there, the ones in a joined style (`ids=1,2`)
    /// sent once, the ones in style `deepObject` sent as `name[key]=value` pairs (`400`);
    /// values are not checked against their schemas, nor are path and header parameters.
    ///
    /// Set [`SimConfig::protected_path`] before: a route the simulator's own endpoints answer
    /// (token, refresh, protected, metadata paths) is left out, as are two operations on one
    /// route; [`SimConfig::openapi_report`] says which. The clones of a config share its
    /// documents' queued errors: start one simulator per config.
    ///
    /// ```
    /// use oauth_runtime::{Credential, Provider, Secret, provider::ProviderSpec};
    /// use oauth_sim::{SimConfig, Simulator};
    ///
    /// #[derive(Clone)]
    /// struct Pets { client_id: String, client_secret: Secret }
    /// impl Provider for Pets {
    ///     const SPEC: &'static ProviderSpec = &ProviderSpec::minimal("Pets", "/oauth/token");
    ///     fn credentials(self) -> Vec<Credential> { vec![self.client_id.into(), self.client_secret.into()] }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let document = r#"{"openapi": "3.1.0", "info": {"title": "Pets", "version": "1"}, "paths": {
    ///   "/pets/{id}": {"get": {"operationId": "getPet", "responses": {
    ///     "200": {"description": "A pet", "content": {"application/json": {"example": {"name": "Rex"}}}},
    ///     "404": {"description": "None", "content": {"application/json": {"schema": {
    ///       "type": "object", "properties": {"message": {"type": "string"}}}}}}}}}}}"#;
    /// let pets = Pets { client_id: "id".into(), client_secret: Secret::from("secret") };
    /// let sim = Simulator::start_with(SimConfig::for_provider(pets.clone()).openapi(document)?).await?;
    ///
    /// // Without a token: the simulator's 401.
    /// let url = format!("{}/pets/7", sim.base_url());
    /// assert_eq!(reqwest::get(&url).await?.status(), 401);
    ///
    /// // With one: the declared example.
    /// let client = pets.client(&sim.base_url())?;
    /// assert_eq!(client.get("/pets/7").send().await?.text().await?, r#"{"name":"Rex"}"#);
    ///
    /// // The next call answers the declared 404, its body made from the schema.
    /// assert!(sim.respond_with_error("getPet", 404));
    /// let missing = client.get("/pets/7").send().await?;
    /// assert_eq!((missing.status().as_u16(), missing.text().await?), (404, r#"{"message":"string"}"#.to_owned()));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// When the document is not JSON or YAML, or not OpenAPI 3.0 or 3.1.
    pub fn openapi(self, document: &str) -> Result<SimConfig, oauth_codegen::Error> {
        Ok(self.openapi_routes(sample::routes(document, "the OpenAPI document")?))
    }

    /// Serves `routes` as [`SimConfig::openapi`] does: routes read with other options
    /// ([`sample::routes_with`] and [`sample::Bodies::Generated`], for a document whose examples
    /// do not fit its schemas), or changed by the test (a route's `success.body`).
    ///
    /// ```
    /// use oauth_codegen::sample::{Bodies, routes_with};
    /// use oauth_runtime::provider::ProviderSpec;
    /// use oauth_sim::SimConfig;
    ///
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Pets", "/oauth/token");
    /// let document = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      responses:\n        '200': {description: ok}\n";
    /// let mut routes = routes_with(document, "pets.yaml", Bodies::Generated)?;
    /// routes.routes[0].success.body = Some(serde_json::json!([]));
    /// let config = SimConfig::for_spec(&SPEC).openapi_routes(routes);
    /// assert!(config.openapi_report().is_empty());
    /// # Ok::<(), oauth_codegen::Error>(())
    /// ```
    pub fn openapi_routes(mut self, routes: Routes) -> SimConfig {
        let Routes { routes, mut report, .. } = routes;
        let own = own_paths(&self);
        let taken: Vec<String> = self.routes.iter().map(|route| axum_path(&route.path)).collect();
        // Route path -> the (method, route index) pairs it serves.
        let mut groups: Vec<(String, Vec<(MethodFilter, usize)>)> = Vec::new();
        for (index, route) in routes.iter().enumerate() {
            let at = format!("{} {}", route.method, route.path);
            let path = axum_path(&route.path);
            let filter = Method::from_bytes(route.method.as_bytes()).ok().and_then(|m| MethodFilter::try_from(m).ok());
            let Some(filter) = filter else {
                report.note(at, format!("the method {}", route.method), "left out");
                continue;
            };
            if let Some(endpoint) = own.iter().find(|p| matches(&path, p)) {
                report.note(at, format!("the simulator's own endpoint {endpoint} is on this route"), "left out");
                continue;
            }
            if taken.contains(&path) {
                report.note(at, "a route given to `SimConfig::route` has this path", "left out");
                continue;
            }
            let group = match groups.iter_mut().position(|(p, _)| *p == path) {
                Some(i) => &mut groups[i].1,
                None => {
                    groups.push((path, Vec::new()));
                    &mut groups.last_mut().expect("just pushed").1
                }
            };
            if let Some(&(_, other)) = group.iter().find(|(_, i)| routes[*i].method == route.method) {
                let other = &routes[other];
                report.note(
                    at,
                    format!("the same route as {} {} (`{}`)", other.method, other.path, other.operation),
                    "left out: that operation answers",
                );
                continue;
            }
            group.push((filter, index));
        }
        let served = Arc::new(Served { routes, queued: Mutex::new(Vec::new()), report });
        for (path, methods) in groups {
            let mut router = MethodRouter::new();
            let mut scopes = Vec::new();
            for (filter, index) in methods {
                let route = &served.routes[index];
                if let (false, Ok(method)) = (route.scopes.is_empty(), Method::from_bytes(route.method.as_bytes())) {
                    scopes.push((Some(method), route.scopes.clone()));
                }
                let served = Arc::clone(&served);
                router = router.on(filter, move |request: Request| {
                    let served = Arc::clone(&served);
                    async move { served.respond(index, request).await }
                });
            }
            self.routes.push(crate::config::UserRoute { path, router, scopes });
        }
        self.openapi.push(served);
        self
    }

    /// What [`SimConfig::openapi`] and [`SimConfig::openapi_routes`] serve differently from the
    /// documents: routes left out, answers made otherwise than declared.
    pub fn openapi_report(&self) -> Report {
        let mut report = Report::default();
        for note in self.openapi.iter().flat_map(|served| served.report.notes()) {
            report.note(note.at.clone(), note.what.clone(), note.instead.clone());
        }
        report
    }
}

impl Simulator {
    /// Makes the next call of `operation` (its `operationId`, or `"GET /path"` without one) answer
    /// its declared error for `status`: the answer declared for that status, else for its range
    /// (`4XX`), else `default`, with its example or a body made from its schema. Calls queue:
    /// two calls of this make two answers. False when no document served by
    /// [`SimConfig::openapi`] has the operation, or the operation declares no such error.
    ///
    /// ```
    /// # use oauth_runtime::provider::ProviderSpec;
    /// # use oauth_sim::{SimConfig, Simulator};
    /// # const SPEC: ProviderSpec = ProviderSpec::minimal("Pets", "/oauth/token");
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let document = r#"{"openapi": "3.0.3", "paths": {"/pets": {"get": {"operationId": "listPets",
    ///   "responses": {"200": {"description": "ok"}, "default": {"description": "any error"}}}}}}"#;
    /// let sim = Simulator::start_with(SimConfig::for_spec(&SPEC).openapi(document)?).await?;
    /// assert!(sim.respond_with_error("listPets", 503), "`default` answers any status");
    /// assert!(!sim.respond_with_error("createPet", 400), "no such operation");
    /// # Ok(()) }
    /// ```
    pub fn respond_with_error(&self, operation: &str, status: u16) -> bool {
        self.config().openapi.iter().any(|served| served.queue_error(operation, status))
    }
}

/// A path template as an axum route that cannot clash with another document route: each
/// placeholder named by its position, a segment axum would read as syntax made a placeholder,
/// a query or fragment dropped.
fn axum_path(template: &str) -> String {
    let path = template.split(['?', '#']).next().unwrap_or_default();
    let mut out = String::with_capacity(path.len() + 1);
    for (i, segment) in path.trim_start_matches('/').split('/').enumerate() {
        out.push('/');
        if segment.contains(['{', '}']) || segment.starts_with([':', '*']) {
            out.push_str(&format!("{{p{i}}}"));
        } else {
            out.push_str(segment);
        }
    }
    out
}

/// Whether the route `path` (from [`axum_path`]) serves the concrete path `concrete`.
fn matches(path: &str, concrete: &str) -> bool {
    let (route, concrete): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), concrete.split('/').collect());
    route.len() == concrete.len()
        && route.iter().zip(&concrete).all(|(r, c)| r == c || (r.starts_with('{') && !c.is_empty()))
}

/// The paths the simulator answers itself.
fn own_paths(config: &SimConfig) -> Vec<String> {
    let spec = config.spec();
    let endpoints = &spec.authorization;
    let mut own: Vec<String> = [
        Some(spec.token.path),
        spec.refresh.path(),
        endpoints.device_path,
        endpoints.authorization_path,
        endpoints.par_path,
        spec.revocation_path,
    ]
    .into_iter()
    .flatten()
    .map(|p| p.split_once('?').map_or(p, |(p, _)| p).to_owned())
    .collect();
    own.push(config.protected_path.clone());
    if config.vendor().is_none() {
        own.extend(crate::generic::endpoints::metadata_paths(spec));
    }
    own
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_named_by_position() {
        assert_eq!(axum_path("/repos/{owner}/{repo}"), "/repos/{p1}/{p2}");
        assert_eq!(axum_path("/repos/{template_owner}/{template_repo}/generate"), "/repos/{p1}/{p2}/generate");
        assert_eq!(axum_path("/files/{name}.json"), "/files/{p1}");
        assert_eq!(axum_path("/:id/*rest/{{x}}"), "/{p0}/{p1}/{p2}");
        assert_eq!(axum_path("no/slash?query=1#top"), "/no/slash");
        assert_eq!(
            (axum_path(""), axum_path("/"), axum_path("/a/")),
            ("/".to_owned(), "/".to_owned(), "/a/".to_owned())
        );
    }

    #[test]
    fn a_route_matches_concrete_paths_segment_by_segment() {
        assert!(matches("/{p0}", "/token"));
        assert!(matches("/oauth/{p1}", "/oauth/token"));
        assert!(!matches("/oauth/{p1}/x", "/oauth/token"));
        assert!(!matches("/{p0}", "/"));
        assert!(matches("/.well-known/openid-configuration", "/.well-known/openid-configuration"));
    }
}
