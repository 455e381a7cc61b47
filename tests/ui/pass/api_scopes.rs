//! Scopes per operation: the trait's for every operation that names none, an operation's own,
//! on a paginated operation too, for a machine's client and a person's.

use oauth_runtime::{Error, Pages, Secret, oauth_api, oauth_provider};
use serde::Deserialize;

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Machine {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant = "device_code", client_auth = "none", token_path = "/oauth/token", device_authorization_path = "/device")]
pub struct Person {
    pub client_id: String,
}

#[derive(Debug, Deserialize)]
pub struct Repo {
    pub name: String,
}

#[oauth_api(client(Machine, Person), scopes = "repo")]
pub trait RepoApi {
    #[get("/user/repos")]
    async fn repos(&self) -> Result<Vec<Repo>, Error>;

    #[get("/user/teams", scopes = "read:org https://api.example.com/.default")]
    async fn teams(&self) -> Result<(), Error>;

    #[get("/orgs/{org}/repos", scopes = "read:org")]
    #[paginate(link_header)]
    fn org_repos(&self, org: &str) -> Pages<Repo>;
}

fn main() {}
