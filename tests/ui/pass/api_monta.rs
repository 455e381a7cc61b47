//! The documented example: every kind of argument, option and answer of `#[oauth_api]`.

use oauth_runtime::{Error, Provider, Secret, oauth_api, oauth_provider};
use serde::{Deserialize, Serialize};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/auth/token",
    body_style = "json",
    base_url(production = "https://public-api.monta.com/api/v1")
)]
pub struct Monta {
    pub client_id: String,
    pub client_secret: Secret,
}

#[derive(Debug, Deserialize)]
pub struct Application {
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct Charge {
    pub id: u64,
}

#[derive(Serialize)]
pub struct ChargeFilter {
    pub status: Option<String>,
}

#[derive(Serialize)]
pub struct NewCharge {
    pub amount: u32,
}

#[derive(Debug, Deserialize)]
pub struct MontaError {
    pub message: String,
}

#[derive(Debug, Deserialize)]
pub struct ChargeError {
    pub reason: String,
}

#[oauth_api(client = Monta, error = MontaError)]
pub trait MontaApi {
    /// The application behind the token.
    #[get("/auth/me")]
    async fn me(&self) -> Result<Application, Error>;

    #[get("/charges/{id}", timeout_ms = 5000)]
    async fn charge(&self, id: u64, #[query] include: Option<&str>, #[header("X-Trace-Id")] trace: &str) -> Result<Charge, Error>;

    #[get("/charges")]
    async fn charges(&self, #[query(flatten)] filter: &ChargeFilter, #[query("pageSize")] page_size: u32) -> Result<Vec<Charge>, Error>;

    #[post("/charges", error = ChargeError, header("X-Api-Version" = "2"))]
    async fn create_charge(&self, #[json] charge: &NewCharge, #[header("Idempotency-Key")] key: Option<String>) -> Result<Charge, Error>;

    #[put("/charges/{id}/note")]
    async fn note(&self, id: u64, #[form] note: &[(&str, &str)]) -> Result<String, Error>;

    #[delete("/charges/{id}", name = "deleteCharge")]
    async fn cancel_charge(&self, id: u64) -> Result<(), Error>;

    #[get("/charges/{id}/receipt")]
    async fn receipt(&self, id: u64) -> Result<bytes::Bytes, Error>;

    #[get("/charges/{id}/receipt")]
    async fn receipt_vec(&self, id: u64) -> Result<Vec<u8>, Error>;

    #[head("/health")]
    async fn health(&self) -> Result<oauth_runtime::reqwest::Response, Error>;

    /// A provided method, kept as written.
    fn describe(&self) -> &'static str {
        "Monta"
    }
}

async fn demo() -> Result<(), Error> {
    let client = Monta { client_id: "id".into(), client_secret: "secret".into() }.client(Monta::PRODUCTION)?;
    let me = client.me().await?;
    let charge = client.charge(42, Some("site"), "trace-1").await?;
    let _: Vec<Charge> = client.charges(&ChargeFilter { status: None }, 50).await?;
    let _: Charge = client.create_charge(&NewCharge { amount: 1 }, None).await?;
    let _: String = client.note(charge.id, &[("text", "hello")]).await?;
    client.cancel_charge(charge.id).await?;
    let _ = (client.receipt(1).await?, client.receipt_vec(1).await?, client.health().await?);
    // The futures are `Send` and hold no borrowed argument: they can be spawned.
    let trace = String::from("trace-2");
    let future = client.charge(1, None, &trace);
    drop(trace);
    tokio::spawn(future);
    println!("{} {}", me.name, client.describe());
    Ok(())
}

fn main() {
    let _ = demo;
}
