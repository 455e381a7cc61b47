//! The attributes of `oauth-runtime`: `#[oauth_provider]` describes a vendor's token endpoint,
//! `#[oauth_api]` its API operations.
//!
//! Both read what the user wrote, check it at compile time, and emit code that only describes
//! the vendor: every request is made by `oauth-runtime`, through `__private` re-exports.
//!
//! The crate is layered, each module using only those below it:
//!
//! - `provider` and `api`, one per attribute, each a pipeline of one module per step: `attr`
//!   (read the attribute), `ast` (read the item), `valid` (the rules that tie them together),
//!   `model` (the checked result, defaults applied), `expand`, and `fallback` (what is emitted
//!   beside errors);
//! - `pipeline`: the steps both take, and the switch to the fallback when anything was reported;
//! - `ctxt` (errors, accumulated), `arg` (values with their spans), `respan` (token tools) and
//!   `symbol` (the vocabulary: every spelling a user writes).

mod api;
mod arg;
mod ctxt;
mod pipeline;
mod provider;
mod respan;
mod symbol;

use proc_macro::TokenStream;

/// Turns a struct holding one vendor's credentials into a typed OAuth2 client.
///
/// (The example is compiled as a doctest in the workspace README, through `oauth-runtime`.)
///
/// ```text
/// use oauth_runtime::{oauth_provider, Provider, Secret};
///
/// #[oauth_provider(
///     grant = "client_credentials",
///     token_path = "/auth/token",
///     body_style = "json",
///     send_grant_type = false,
///     refresh = "endpoint",
///     refresh_path = "/auth/refresh",
///     refresh_param = "refreshToken",
///     access_token = "accessToken",
///     refresh_token = "refreshToken",
///     expires_at = "accessTokenExpirationDate",
///     expires_format = "rfc3339",
/// )]
/// pub struct Monta {
///     #[oauth(rename = "clientId")]
///     pub client_id: String,
///     #[oauth(rename = "clientSecret")]
///     pub client_secret: Secret,
/// }
///
/// let client: MontaClient = Monta { client_id: "id".into(), client_secret: "s".into() }
///     .client("https://public-api.monta.com/api/v1")?;
/// ```
///
/// # Attribute arguments
///
/// | key | values | default |
/// |---|---|---|
/// | `name` | display name | the struct's name |
/// | `grant` | `"password"`, `"client_credentials"`, `"token_exchange"` (RFC 8693) | required, unless `grant_type` |
/// | `grant_type` | a grant type of the vendor's own by its wire name (`"account_credentials"`), sent with the declared parameters | instead of `grant` |
/// | `token_path` | path starting with `/` | required |
/// | `revocation_path` | path of the revocation endpoint (RFC 7009), for `client.revoke()` | none |
/// | `issuer` | issuer identifier for metadata discovery (RFC 8414): an `https` URL, or a path under the token base URL | none |
/// | `body_style` | `"form"`, `"json"`, `"form_grant_in_query"` | `"form"` |
/// | `client_auth` | `"body"`, `"basic"`, `"basic_raw"`, `"none"` | `"body"` |
/// | `send_grant_type` | `true`, `false` | `true` |
/// | `refresh` | `"regrant"` (run the grant again), `"refresh_token_grant"` (RFC 6749 section 6), `"endpoint"` (the vendor's own endpoint) | `"regrant"` |
/// | `refresh_path` | path; required with `"endpoint"` | `token_path` |
/// | `refresh_param` | name of the refresh token parameter | `"refresh_token"` |
/// | `access_token`, `refresh_token`, `token_type` | response field names | the RFC 6749 names |
/// | `expires_in` | response field with a lifetime in seconds | `"expires_in"` |
/// | `expires_at` | response field with an absolute expiry; needs `expires_format` | |
/// | `expires_format` | `"rfc3339"`, `"http_date"`, `"epoch_millis"`, `"epoch_seconds"` | |
/// | `no_expiry` | flag: the response carries no expiry | |
/// | `default_lifetime` | seconds assumed when the response gives none | `3600` |
/// | `access_token_path`, `token_type_path`, `refresh_token_path`, `expires_in_path`, `expires_at_path` | a nested response field, `"authed_user.access_token"` or `"data.tokens[0].value"`, instead of the plain key; `expires_at_path` needs `expires_format` | the plain key |
/// | `access_token_aliases("..", ..)`, `token_type_aliases`, `refresh_token_aliases`, `expires_in_aliases` | other paths tried in order after the main field; no duplicates, none equal to the main field | |
/// | `error_shape(code = "..", description = "..", uri = "..", success_codes("..", ..))` | where a vendor keeps its error code and message, as paths; `code` required; the success codes mark an answer that is no error | RFC 6749 |
/// | `token_scheme` | `"bearer"`, in any case: the `Authorization` scheme whatever the token type says (for DPoP write `presentation = "dpop"`; `"mac"` is not supported) | from the token type |
/// | `presentation` | `"bearer"` (RFC 6750), `"dpop"` (RFC 9449: a key per client and a signed proof on every token request and API call; runtime feature `dpop`) | `"bearer"` |
/// | `dpop_alg` | with `presentation = "dpop"`: `"ES256"` (a key generated per client unless one is supplied), `"RS256"`, `"PS256"` (a key supplied with `ClientBuilder::dpop_key`) | `"ES256"` |
/// | `min_lifetime` | seconds, at least 1: the shortest lifetime a token is given | `1` |
/// | `params(key = "value", ..)` | fixed extra parameters of every token request | |
/// | `base_url(name = "https://..", ..)` | named base URLs, each also an associated `const` named by the user, upper-cased | |
/// | `auth_base_url(name = "https://..", ..)` | the token host of some base URLs, by their names in `base_url` | the base URL |
/// | `crate` | path to `oauth_runtime` | `"::oauth_runtime"` |
///
/// # Field attributes
///
/// Fields named `client_id`, `client_secret`, `username` and `password` play those roles; any
/// other field needs `#[oauth(role = "..")]` or `#[oauth(param)]` (an extra parameter sent with
/// the grant). `#[oauth(rename = "wireName")]` changes the name on the wire and
/// `#[oauth(secret)]` marks a parameter as secret. Client secrets, passwords and secret
/// parameters must be declared as `Secret`; any field declared as `Secret` is treated as secret.
/// The generated code converts secret fields through a trait only the runtime's `Secret`
/// implements, so a type alias named `Secret` for another type is a compile error at the
/// field's type.
///
/// Each value is the snake_case name of a variant of the runtime's model type for that key
/// (`body_style = "json"` is `BodyStyle::Json`, `client_auth = "basic"` is `ClientAuth::Basic`,
/// `refresh = "regrant"` is `Refresh::Regrant`). The former keys `style` and `auth` and values
/// `refresh = "none"` and `"grant"` are compile errors that name the new spelling.
///
/// # Generated items
///
/// `impl Provider for S` (whose provided methods `client(self, base_url)` and
/// `client_builder(self)` make clients, with the trait in scope), one associated `const` per
/// named base URL (`base_url(sandbox = "..")` gives `S::SANDBOX`), and
/// `type SClient = Client<S>`. Nothing else is added to `S`, so its own items never collide
/// with generated ones.
#[proc_macro_attribute]
pub fn oauth_provider(args: TokenStream, input: TokenStream) -> TokenStream {
    provider::oauth_provider(args.into(), input.into()).into()
}

/// Declares a vendor's API operations as a trait, and implements it for the vendor's client.
///
/// Each method is one HTTP call: the attribute above it gives the method and the path, the
/// arguments say where their values go, and the return type how the response is read. Calls
/// go through the client, so they carry its token, renewed and replayed once after a 401.
///
/// (The example is compiled as a doctest in the workspace README, through `oauth-runtime`.)
///
/// ```text
/// use oauth_runtime::{Error, oauth_api};
///
/// #[oauth_api(client = Monta, error = MontaError)]
/// pub trait MontaApi {
///     /// The application behind the token.
///     #[get("/auth/me")]
///     async fn me(&self) -> Result<Application, Error>;
///
///     #[get("/charges/{id}", timeout_ms = 5000)]
///     async fn charge(
///         &self,
///         id: u64,
///         #[query] include: Option<&str>,
///         #[header("X-Trace-Id")] trace: &str,
///     ) -> Result<Charge, Error>;
///
///     #[get("/charges")]
///     async fn charges(&self, #[query(flatten)] filter: &ChargeFilter) -> Result<Vec<Charge>, Error>;
///
///     #[post("/charges", error = ChargeError, header("X-Api-Version" = "2"))]
///     async fn create_charge(&self, #[json] charge: &NewCharge) -> Result<Charge, Error>;
///
///     #[delete("/charges/{id}", name = "deleteCharge")]
///     async fn cancel_charge(&self, id: u64) -> Result<(), Error>;
/// }
///
/// let charge = client.charge(42, Some("site"), "trace-1").await?;
/// ```
///
/// The trait is emitted with each operation returning
/// `impl Future<Output = Result<T, Error>> + Send + 'static` (the `async fn` without the
/// `async_fn_in_trait` lint; the request is built before the future starts, so the future
/// borrows neither the client nor the arguments and can be spawned), and implemented
/// for `oauth_runtime::Client<Monta>`: bring it into scope to call the operations. Methods with
/// a body and no HTTP attribute are kept as provided methods.
///
/// # `#[oauth_api(..)]`
///
/// | key | value | default |
/// |---|---|---|
/// | `client` | the provider type: the trait is implemented for `Client<client>`; `client(A, B)` implements it for `Client<A>` and `Client<B>`, every client of one vendor's API | required |
/// | `error` | the vendor's error type, read from error responses' bodies (`Deserialize + Debug + Send + Sync + 'static`) | none |
/// | `crate` | path to `oauth_runtime` | `"::oauth_runtime"` |
///
/// # Operations
///
/// `#[get("/path")]`, `#[post]`, `#[put]`, `#[patch]`, `#[delete]` and `#[head]`, on an
/// `async fn` without a body that takes `&self`. The path starts with `/`, is appended to the
/// client's base URL, holds no query string, and names arguments in braces: `{id}` is the
/// argument `id`, percent-encoded as one path segment (its type implements `Display`).
/// After the path:
///
/// | option | effect |
/// |---|---|
/// | `error = Type` | this operation's error type, instead of the trait's |
/// | `timeout_ms = N` | a timeout for this call, instead of the client's |
/// | `header("Name" = "value", ..)` | fixed headers (repeatable) |
/// | `name = "getCharge"` | the operation's name in traces, instead of the method's |
///
/// # Arguments
///
/// | attribute | the value goes | its type |
/// |---|---|---|
/// | none | into the path placeholder of its name | `Display`, not an `Option` |
/// | `#[path("invoiceId")]` | into the path placeholder `{invoiceId}`, for an argument of another name | `Display`, not an `Option` |
/// | `#[query]`, `#[query("wireName")]` | into one query pair, under its name or `wireName`; `None` sends nothing, a sequence one pair per element | `Serialize` (a scalar, an `Option`, a slice); a map, a tuple or a list of lists is a compile error, a struct an `Error::Argument` before sending |
/// | `#[query(style = "comma")]`, `#[query("wireName", style = "..")]` | into the query in another of OpenAPI's styles: `"comma"` `ids=1,2`, `"space"` `ids=1%202`, `"pipe"` `ids=1\|2` (a list joined, a struct's keys and values too), `"deep_object"` `filter[key]=value` (`oauth_runtime::QueryStyle`) | `Serialize`; a list of lists to join, or a list in `deep_object`, is a compile error |
/// | `#[query(flatten)]` | into one query pair per field | a `Serialize` struct or map, a list of pairs |
/// | `#[json]` / `#[form]` | into the body, as JSON / form-URL-encoded (one per operation; not on GET or HEAD) | `Serialize` |
/// | `#[body("image/png")]`, `#[body]` | into the body as it is, with that content type (`application/octet-stream` without one) | `Vec<u8>`, `Bytes`, `&[u8]`, `String`, `&str` (owned bytes are moved, borrowed ones copied) |
/// | `#[multipart]` | into a `multipart/form-data` body, written anew for a replay after a 401 (oauth-runtime's feature `multipart`) | `oauth_runtime::Multipart`, or a type implementing `ToMultipart` |
/// | `#[header("Name")]` | into a header; an `Option` sends it only when `Some` | `&str`, `String`, `HeaderValue`, integers |
///
/// # Return type
///
/// `Result<T, oauth_runtime::Error>`, `T` choosing how the response is read: `()` discards the
/// body, `String` reads text, `Bytes` or `Vec<u8>` bytes, `Response` returns the response
/// itself whatever its status, and any other type is read as JSON (`DeserializeOwned`).
/// `oauth_runtime::Answer<T>`, for any of those but `Response`, reads the body as `T` and keeps
/// the status and headers beside it (`location()`, `etag()`, `header(name)`). Except for
/// `Response`, a status other than 2xx is an error, its body read as the error type when there
/// is one. The macro tells these types by their spelling: a type of your own named `String`,
/// `Bytes`, `Response` or `Answer` is taken for the one above.
///
/// Every mistake is a compile error at the offending token; a type that is not `Serialize` or
/// `Deserialize` where it must be is reported at the type.
#[proc_macro_attribute]
pub fn oauth_api(args: TokenStream, input: TokenStream) -> TokenStream {
    api::oauth_api(args.into(), input.into()).into()
}
