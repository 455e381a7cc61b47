//! The client's tokens in other HTTP stacks: a [`reqwest-middleware`] middleware (feature
//! `reqwest-middleware`) and a [`tower`] layer (feature `tower`).
//!
//! Both follow the rules of [`ApiRequest::send`](crate::ApiRequest::send), because all three
//! go through the client's one send path (attach the token, send, judge the answer, renew,
//! send once more at most):
//!
//! - the token is the client's cached one, renewed before expiry in the background, with one
//!   token request however many calls are waiting (single flight);
//! - after a 401 the token is never used again and, if the request can be sent twice, it is
//!   renewed and the request sent once more; the second answer is returned as it is;
//! - a 401 whose challenge blames something else (`error="insufficient_scope"`) renews
//!   nothing; an API that keeps rejecting fresh tokens causes one renewal per 30 s, and 401s
//!   cause at most 3 renewals a minute whatever happened in between, not one per call.
//!
//! The token is attached only to requests for the client's API origin (the scheme, host and
//! port of its [base URL](crate::Client::base_url)); any other request goes through untouched,
//! without a token, so that a client shared by several APIs never hands one API's token to
//! another.
//!
//! [`reqwest-middleware`]: https://docs.rs/reqwest-middleware/0.4
//! [`tower`]: https://docs.rs/tower

#[cfg(feature = "reqwest-middleware")]
pub mod reqwest;
#[cfg(feature = "tower")]
pub mod tower;

use url::Url;

/// Whether `uri` is absolute and on `base`'s origin. Default ports count as given
/// (`https://h` and `https://h:443` are one origin).
#[cfg(feature = "tower")]
fn same_origin_uri(uri: &http::Uri, base: &Url) -> bool {
    let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
        return false;
    };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    };
    // `Url` keeps IPv6 hosts in brackets, as `Uri` does.
    scheme.eq_ignore_ascii_case(base.scheme())
        && base.host_str().is_some_and(|b| b.eq_ignore_ascii_case(host))
        && uri.port_u16().or(default_port) == base.port_or_known_default()
}

/// Whether `url` is on `base`'s origin.
#[cfg(feature = "reqwest-middleware")]
fn same_origin_url(url: &Url, base: &Url) -> bool {
    url.origin() == base.origin()
}

#[cfg(all(test, feature = "tower"))]
mod tests {
    use super::*;

    #[test]
    fn origins_of_uris() {
        let base = Url::parse("https://api.example.com/v2").unwrap();
        for same in ["https://api.example.com/x", "https://API.example.com:443/", "HTTPS://api.example.com"] {
            assert!(same_origin_uri(&same.parse().unwrap(), &base), "{same}");
        }
        for other in ["http://api.example.com/x", "https://api.example.com:8443/", "https://evil.example/", "/x"] {
            assert!(!same_origin_uri(&other.parse().unwrap(), &base), "{other}");
        }
        let v6 = Url::parse("http://[::1]:8080").unwrap();
        assert!(same_origin_uri(&"http://[::1]:8080/a".parse().unwrap(), &v6));
    }
}
